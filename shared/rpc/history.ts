/** History: the committed positions, hot and archived (read through notebooks and playback). */
import { z } from 'zod';

export const historyMethods = {
  /** Rows in the hot table, in the Parquet archive, and messages in quarantine (NATS ingest). */
  'history.counts': {
    params: z.object({}).strict(),
    result: z.object({ hot: z.number(), archived: z.number(), quarantined: z.number() }),
  },
  /** Archives every ended hour now (past the grace period) instead of waiting for the next scheduled roll. */
  'history.roll': {
    params: z.object({}).strict(),
    result: z.object({ partsWritten: z.number(), rowsArchived: z.number(), hoursCompacted: z.number() }),
  },
} as const;
