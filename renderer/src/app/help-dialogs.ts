import { createStore } from './store';

/** The workbench's help, open over everything: the keyboard shortcuts (?) or the user guide (F1). */
export type HelpDialog = 'shortcuts' | 'guide';

export const helpDialog = createStore<HelpDialog | null>(null);

/** Opens one (the same again closes it, as its key toggles). */
export const toggleHelp = (which: HelpDialog) => helpDialog.set(helpDialog.get() === which ? null : which);
export const closeHelp = () => helpDialog.set(null);
