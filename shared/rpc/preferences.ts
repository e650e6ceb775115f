/** Preferences: what the analyst chose (measure, palette, theme, panel width, layers…), kept in the data dir so every window and every start finds it. */
import { z } from 'zod';

/** A preference's name: `<feature>.<what>`, e.g. `heatmap.metric`. */
export const PreferenceKeySchema = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9-]+){1,3}$/, 'a name like heatmap.metric: letters and digits, dot-separated');

/** The most a preferences file holds, so one runaway value cannot make every start slow. */
export const PREFERENCES_MAX_BYTES = 1_048_576;

export const preferencesMethods = {
  /** Every preference saved, by name (a value the renderer no longer understands is its to ignore). */
  'preferences.get': { params: z.object({}).strict(), result: z.object({ values: z.record(z.string(), z.unknown()) }) },
  /** Saves one preference (null removes it); other clients hear of it on `preferences.changed`. */
  'preferences.set': {
    params: z.object({ key: PreferenceKeySchema, value: z.json().nullable() }).strict(),
    result: z.object({ saved: z.boolean() }),
    invalidates: ['preferences.get'],
  },
} as const;

export const preferencesChannels = {
  /** A preference saved by a client (every other client's stores follow it). */
  'preferences.changed': z.object({ key: z.string(), value: z.unknown() }),
} as const;
