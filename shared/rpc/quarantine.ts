/** Quarantine: the messages ingest refused, with why, kept to inspect, export and purge. */
import { z } from 'zod';
import { Binary } from './contract';

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

export const quarantineMethods = {
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
    invalidates: ['quarantine.list', 'quarantine.counts', 'quarantine.timeline'],
  },
  /** Quarantined messages per reason. */
  'quarantine.counts': { params: z.object({}).strict(), result: z.record(z.string(), z.number()) },
  /** Quarantined messages per reason per time bucket (its start, epoch ms) since `since` (default: a day ago). */
  'quarantine.timeline': {
    params: z
      .object({
        bucketMs: z.number().int().min(60_000).max(86_400_000).default(3_600_000),
        since: z.number().int().nonnegative().optional(),
      })
      .strict(),
    result: z.array(z.object({ at: z.number(), reason: z.string(), count: z.number() })),
  },
  /** The messages named, as NDJSON (a line each: its fields, the body as text when UTF-8 and as base64). */
  'quarantine.export': {
    params: z
      .object({
        messages: z
          .array(z.object({ seq: SeqParam, stream: z.string().max(256) }).strict())
          .min(1)
          .max(10_000),
      })
      .strict(),
    result: Binary,
  },
} as const;
