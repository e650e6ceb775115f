/** History: the committed positions (hot and archived) and the quarantine of bad messages. */
import { z } from 'zod';

const QuarantineEntrySchema = z.object({
  seq: z.string(), // a uint64 stream sequence, as text
  stream: z.string(),
  subject: z.string(),
  reason: z.string(),
  detail: z.string(),
  received: z.number(),
  bytes: z.number(),
});
export type QuarantineEntry = z.infer<typeof QuarantineEntrySchema>;
const SeqParam = z.string().regex(/^\d{1,20}$/, 'must be a stream sequence (digits)');

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
  /** Quarantined messages, newest first, without their bodies. */
  'quarantine.list': {
    params: z
      .object({
        reason: z.string().max(64).optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    result: z.object({ total: z.number(), items: z.array(QuarantineEntrySchema) }),
  },
  /** One quarantined message with its raw body (base64). */
  'quarantine.get': {
    params: z.object({ seq: SeqParam, stream: z.string().optional() }).strict(),
    result: QuarantineEntrySchema.extend({ rawBase64: z.string() }),
  },
  /** Deletes quarantined messages matching the filter (all when empty); returns how many. */
  'quarantine.purge': {
    params: z.object({ reason: z.string().max(64).optional(), before: z.number().int().nonnegative().optional() }).strict(),
    result: z.object({ purged: z.number() }),
  },
  /** Quarantined messages per reason. */
  'quarantine.counts': { params: z.object({}).strict(), result: z.record(z.string(), z.number()) },
} as const;
