/** Deliveries: the durable queue of fence events, its health and figures, dead letters, replay and targets. */
import { z } from 'zod';
import { FenceEventSchema, FenceEventTypeSchema } from '../fence-event';
import { Epoch, JobIdSchema } from './contract';

const TargetKindSchema = z.enum(['webhook', 'nats', 'feed']);
const HealthStatusSchema = z.enum(['Healthy', 'Degraded', 'Unhealthy']);
const TargetIdSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only, at most 64');
export const TargetSchema = z.object({
  id: TargetIdSchema,
  kind: TargetKindSchema,
  url: z.string().optional(),
  subject: z.string().optional(),
  /** The name of the signing secret (HEXWATCH_SECRET_<NAME> or the OS keychain), never the secret. */
  secretRef: z.string().optional(),
  timeoutMs: z.number(),
  concurrency: z.number(),
  enabled: z.boolean(),
  disabledReason: z.string().optional(),
  /** Whether the signing secret named by secretRef is found (environment or keychain). */
  secretFound: z.boolean().optional(),
});
export type TargetInfo = z.infer<typeof TargetSchema>;
const TargetInputSchema = z
  .object({
    id: TargetIdSchema,
    kind: z.enum(['webhook', 'nats']),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    subject: z
      .string()
      .regex(/^[^\s*>]+$/, 'a NATS subject without wildcards')
      .optional(),
    secretRef: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a secret name: letters, digits, _ . -')
      .optional(),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    concurrency: z.number().int().min(1).max(256).default(8),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((t) => t.kind !== 'webhook' || t.url, { message: 'a webhook target needs a url', path: ['url'] })
  .refine((t) => t.kind !== 'nats' || t.subject, { message: 'a NATS target needs a subject', path: ['subject'] });
const QueueItemSchema = z.object({
  id: z.string(),
  targetId: z.string(),
  fenceId: z.string(),
  status: z.enum(['pending', 'processing', 'completed', 'failed', 'dlq']),
  attempts: z.number(),
  maxAttempts: z.number(),
  nextAttemptAt: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Queued by a replay: a new delivery of an earlier event. */
  replayed: z.boolean(),
  event: FenceEventSchema,
});
export type QueueItemInfo = z.infer<typeof QueueItemSchema>;
const AttemptSchema = z.object({
  attempt: z.number(),
  targetId: z.string(),
  status: z.enum(['success', 'failed', 'timeout']),
  httpStatus: z.number().nullable(),
  latencyMs: z.number(),
  error: z.string().nullable(),
  at: z.number(),
  /** The first KB of the receiver's answer. */
  response: z.string().nullable(),
});
/** Which dead letters an operation applies to; empty means all. */
const DlqFilterSchema = z
  .object({
    ids: z.array(z.string().max(64)).max(10_000).optional(),
    fenceId: z.string().max(256).optional(),
    deviceId: z.string().max(256).optional(),
    targetId: z.string().max(64).optional(),
    error: z.string().max(256).optional(),
    from: Epoch.optional(),
    to: Epoch.optional(),
  })
  .strict();
/** Which past events a replay re-delivers: any of these fences, devices and types, in [from, to). */
const ReplayFilterShape = {
  fenceIds: z.array(z.string().max(256)).max(1000).optional(),
  deviceIds: z.array(z.string().max(256)).max(1000).optional(),
  from: Epoch.optional(),
  to: Epoch.optional(),
  types: z.array(FenceEventTypeSchema).max(6).optional(),
  limit: z.number().int().min(1).max(1_000_000).default(100_000),
};

/** A target's share of the figures: what waits for it and is dead, and how it was served in the last hour. */
const TargetFiguresSchema = z.object({
  target_id: z.string(),
  kind: TargetKindSchema,
  enabled: z.boolean(),
  disabled_reason: z.string().optional(),
  pending_count: z.number(),
  dlq_count: z.number(),
  /** Attempts in the last hour, and those that succeeded. */
  attempted_last_hour: z.number(),
  delivered_last_hour: z.number(),
  /** null when nothing was attempted in the last hour: "no deliveries yet", never 100 % of nothing. */
  success_rate_percent: z.number().nullable(),
  /** Of the last hour's deliveries; null when none. */
  avg_delivery_latency_ms: z.number().nullable(),
  /** The latest attempt in the last hour (null: none), and when a failing target is tried next (null: nothing waits on a retry). */
  last_attempt: z
    .object({ at: z.number(), status: z.enum(['success', 'failed', 'timeout']), http_status: z.number().nullable(), error: z.string().nullable() })
    .nullable(),
  next_retry_at: z.number().nullable(),
});

/**
 * The queue's figures at one moment: every count a screen shows of the queue (the status bar, the panel's
 * chip, its tabs) is read from one of these, pushed on `deliveries.changed`, so they agree at every moment.
 */
export const QueueFiguresSchema = z.object({
  /** Grows with each figures computed: a newer one replaces an older, never the other way round. */
  revision: z.number(),
  at: z.number(),
  /** Grows when dead letters or targets change: views of them refresh when it moves. */
  changes: z.number(),
  status: HealthStatusSchema,
  /** Every threshold crossed, in words, worst first. */
  reasons: z.array(z.string()),
  pending_count: z.number(),
  processing_count: z.number(),
  dlq_count: z.number(),
  avg_queue_depth_seconds: z.number(),
  oldest_pending_age_seconds: z.number(),
  /** Attempts to outside targets in the last hour (the built-in feed left out), and those delivered. */
  attempted_last_hour: z.number(),
  delivered_last_hour: z.number(),
  /** null when nothing was attempted (or delivered, for latency) in the last hour. */
  success_rate_percent: z.number().nullable(),
  avg_delivery_latency_ms: z.number().nullable(),
  targets: z.array(TargetFiguresSchema),
});
export type QueueFigures = z.infer<typeof QueueFiguresSchema>;

export const QueueSampleSchema = z.object({
  at: z.number(),
  pending: z.number(),
  processing: z.number(),
  dlq: z.number(),
  /** null when nothing was attempted (or delivered, for latency) in the interval: a gap, not a figure. */
  success_rate_percent: z.number().nullable(),
  latency_p50_ms: z.number().nullable(),
  latency_p95_ms: z.number().nullable(),
  latency_p99_ms: z.number().nullable(),
  in_per_s: z.number(),
  out_per_s: z.number(),
});
export type QueueSample = z.infer<typeof QueueSampleSchema>;

/** How far a running replay is (its progress on `jobs.progress`): reading the events, then queueing them (`queued` of `total`). */
export const ReplayFiguresSchema = z.object({
  phase: z.enum(['reading', 'queueing']),
  queued: z.number(),
  total: z.number(),
});

export const deliveriesMethods = {
  /** The queue's figures now (the same the screens show), with how many delivered items are kept. */
  'deliveries.metrics': {
    params: z.object({}).strict(),
    result: QueueFiguresSchema.extend({ completed_count: z.number() }),
  },
  /** Healthy / Degraded / Unhealthy, every threshold crossed in words, and the figures behind it. */
  'deliveries.health': {
    params: z.object({}).strict(),
    result: z.object({ status: HealthStatusSchema, reasons: z.array(z.string()), metrics: QueueFiguresSchema }),
  },
  /**
   * Events recorded per fence in the last hour, whichever version of the fence fired them (a fence keeps
   * its id through its versions), and per minute over the last 15 minutes, oldest first.
   */
  'deliveries.fenceEvents': {
    params: z.object({}).strict(),
    result: z.object({ at: z.number(), fences: z.record(z.string(), z.object({ last_hour: z.number(), per_minute: z.array(z.number()) })) }),
  },
  /** The queue's figures over the last 15 minutes or hour (a sample every 5 s), or day (a minute apart). */
  'deliveries.healthHistory': {
    params: z.object({ range: z.enum(['15m', '1h', '1d']) }).strict(),
    result: z.object({ stepMs: z.number(), samples: z.array(QueueSampleSchema) }),
  },
  /** Dead letters matching a filter, most recently failed first (or by another order). */
  'deliveries.deadLetters': {
    params: DlqFilterSchema.extend({
      limit: z.number().int().min(1).max(1000).default(100),
      offset: z.number().int().min(0).default(0),
      sort: z.enum(['failed', 'created', 'attempts', 'target', 'fence']).default('failed'),
      descending: z.boolean().default(true),
    }),
    result: z.object({ total: z.number(), items: z.array(QueueItemSchema) }),
  },
  /** Dead letters matching a filter, counted per target and per error (the most frequent first). */
  'deliveries.deadLetterCounts': {
    params: DlqFilterSchema,
    result: z.object({ byTarget: z.record(z.string(), z.number()), byError: z.array(z.object({ error: z.string(), count: z.number() })) }),
  },
  /** One delivery with its payload exactly as sent, the headers it goes with (signature masked), and every attempt, oldest first. */
  'deliveries.item': {
    params: z.object({ id: z.string().min(1).max(64) }).strict(),
    result: z.object({ item: QueueItemSchema, payload: z.string(), headers: z.record(z.string(), z.string()), attempts: z.array(AttemptSchema) }),
  },
  /** Back to pending for another round of `queue.maxAttempts` tries, attempt numbers counting on from the last (the attempt history stays); returns how many. */
  'deliveries.requeue': {
    params: DlqFilterSchema,
    result: z.object({ requeued: z.number() }),
    invalidates: ['deliveries.deadLetters', 'deliveries.deadLetterCounts', 'deliveries.item', 'deliveries.health', 'deliveries.metrics'],
  },
  /** Takes dead letters out (their attempts stay in the audit log); `deliveries.undoDiscard` with the batch puts them back within a minute. */
  'deliveries.discard': {
    params: DlqFilterSchema,
    result: z.object({ discarded: z.number(), batch: z.number() }),
    invalidates: ['deliveries.deadLetters', 'deliveries.deadLetterCounts', 'deliveries.item', 'deliveries.health', 'deliveries.metrics'],
  },
  /** Puts back what a discard took, as it was; returns how many. */
  'deliveries.undoDiscard': {
    params: z.object({ batch: z.number().int() }).strict(),
    result: z.object({ restored: z.number() }),
    invalidates: ['deliveries.deadLetters', 'deliveries.deadLetterCounts', 'deliveries.health', 'deliveries.metrics'],
  },
  /** How many events a replay with this filter would re-deliver, from the log and from the archive. */
  'deliveries.replayPreview': { params: z.object(ReplayFilterShape).strict(), result: z.object({ fromLog: z.number(), fromArchive: z.number() }) },
  /**
   * Re-delivers past events (from the queue's log, and the Parquet archive for older ones) to one target,
   * as new deliveries marked replayed. A job: with a `jobId` its progress comes on `jobs.progress`, and
   * `jobs.cancel` stops it between chunks — it then rejects as cancelled, saying how many were queued by
   * then (they stay queued).
   */
  'deliveries.replay': {
    params: z.object({ ...ReplayFilterShape, targetId: TargetIdSchema, jobId: JobIdSchema.optional() }).strict(),
    result: z.object({ fromLog: z.number(), fromArchive: z.number(), queued: z.number() }),
  },
  'deliveries.targets': { params: z.object({}).strict(), result: z.array(TargetSchema) },
  /** Sends a test event to a target now (not through the queue) and answers what the receiver said. */
  'deliveries.testTarget': {
    params: z.object({ id: TargetIdSchema }).strict(),
    result: z.object({
      id: z.string(),
      status: z.enum(['success', 'failed', 'timeout']),
      httpStatus: z.number().optional(),
      latencyMs: z.number(),
      error: z.string().optional(),
      response: z.string().optional(),
    }),
  },
  /**
   * Stores a signing secret in the OS keychain (the desktop app; in web mode the engine's environment
   * holds secrets: HEXWATCH_SECRET_<NAME>). The value is never shown again nor written anywhere else.
   */
  'deliveries.setTargetSecret': {
    params: z
      .object({
        name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a secret name: letters, digits, _ . -'),
        value: z.string().min(1).max(4096),
      })
      .strict(),
    result: z.object({ saved: z.boolean() }),
    invalidates: ['deliveries.targets'],
  },
  /** Creates or replaces a delivery target (re-enabling one that a 410 disabled). */
  'deliveries.saveTarget': { params: TargetInputSchema, result: TargetSchema, invalidates: ['deliveries.targets', 'deliveries.metrics'] },
  /** Removes a target; its undelivered items go to the DLQ, never silently dropped. */
  'deliveries.removeTarget': {
    params: z.object({ id: TargetIdSchema }).strict(),
    result: z.object({ movedToDlq: z.number() }),
    invalidates: ['deliveries.targets', 'deliveries.metrics', 'deliveries.deadLetters', 'deliveries.deadLetterCounts'],
  },
} as const;

export const deliveriesChannels = {
  /**
   * The queue's figures, at most every 250 ms while they change (an event queued, an attempt recorded, a
   * dead letter, a target edited) and every few seconds: the screens' one source of its counts.
   */
  'deliveries.changed': QueueFiguresSchema,
} as const;
