/** Preferences: the analyst's choices, a value per name in `<dataDir>/preferences.json`. */
export { PreferencesFile } from './preferences-file';
export { preferencesHandlers } from './preferences-handlers';
