/** The delivery queue: its health and figures, dead letters, replay and targets. */
import { z } from 'zod';
import { FenceEventSchema, FenceEventTypeSchema } from '../fence-event';

const QueueMetricsShape = {
  pending_count: z.number(),
  processing_count: z.number(),
  completed_count: z.number(),
  dlq_count: z.number(),
  avg_queue_depth_seconds: z.number(),
  avg_delivery_latency_ms: z.number(),
  success_rate_percent: z.number(),
  oldest_pending_age_seconds: z.number(),
};
const TargetKindSchema = z.enum(['webhook', 'nats', 'feed']);
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
});
/** Epoch milliseconds. */
export const Epoch = z.number().int().nonnegative();
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

export const queueMethods = {
  /** The queue's metrics (pending, processing, DLQ, success rate, latency), plus figures per target. */
  'queue.metrics': {
    params: z.object({}).strict(),
    result: z.object({
      ...QueueMetricsShape,
      targets: z.array(
        z.object({
          target_id: z.string(),
          kind: TargetKindSchema,
          enabled: z.boolean(),
          disabled_reason: z.string().optional(),
          pending_count: z.number(),
          dlq_count: z.number(),
          completed_count: z.number(),
          success_rate_percent: z.number(),
          avg_delivery_latency_ms: z.number(),
        }),
      ),
    }),
  },
  /** Healthy / Degraded / Unhealthy, every threshold crossed in words, and the metrics behind it. */
  'queue.health': {
    params: z.object({}).strict(),
    result: z.object({ status: z.enum(['Healthy', 'Degraded', 'Unhealthy']), reasons: z.array(z.string()), metrics: z.object(QueueMetricsShape) }),
  },
  /** Dead letters matching a filter, most recently failed first. */
  'dlq.list': {
    params: DlqFilterSchema.extend({ limit: z.number().int().min(1).max(1000).default(100), offset: z.number().int().min(0).default(0) }),
    result: z.object({ total: z.number(), items: z.array(QueueItemSchema) }),
  },
  /** One delivery with its payload and every attempt, oldest first. */
  'dlq.get': {
    params: z.object({ id: z.string().min(1).max(64) }).strict(),
    result: z.object({ item: QueueItemSchema, payload: z.string(), attempts: z.array(AttemptSchema) }),
  },
  /** Back to pending with attempts reset (the attempt history stays); returns how many. */
  'dlq.requeue': { params: DlqFilterSchema, result: z.object({ requeued: z.number() }) },
  /** Deletes dead letters (their attempts stay in the audit log); returns how many. */
  'dlq.discard': { params: DlqFilterSchema, result: z.object({ discarded: z.number() }) },
  /** Re-delivers past events (from the queue's log, and the Parquet archive for older ones) to one target. */
  'queue.replay': {
    params: z
      .object({
        targetId: TargetIdSchema,
        deviceId: z.string().max(256).optional(),
        fenceId: z.string().max(256).optional(),
        from: Epoch.optional(),
        to: Epoch.optional(),
        types: z.array(FenceEventTypeSchema).max(6).optional(),
        limit: z.number().int().min(1).max(1_000_000).default(100_000),
      })
      .strict(),
    result: z.object({ fromLog: z.number(), fromArchive: z.number(), queued: z.number() }),
  },
  'targets.list': { params: z.object({}).strict(), result: z.array(TargetSchema) },
  /** Creates or replaces a delivery target (re-enabling one that a 410 disabled). */
  'targets.upsert': { params: TargetInputSchema, result: TargetSchema },
  /** Removes a target; its undelivered items go to the DLQ, never silently dropped. */
  'targets.remove': { params: z.object({ id: TargetIdSchema }).strict(), result: z.object({ movedToDlq: z.number() }) },
} as const;
