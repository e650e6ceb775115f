/** The configuration as the engine runs it. */
import { z } from 'zod';

export const configMethods = {
  /** The effective configuration (secrets redacted) and where the settings file lives. */
  'config.get': {
    params: z.object({}).strict(),
    result: z.object({ settingsPath: z.string(), config: z.record(z.string(), z.unknown()) }),
  },
} as const;
