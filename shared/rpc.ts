/**
 * The one RPC contract both transports carry (Electron IPC and the web bridge's WebSocket).
 * Each method names its params schema and result schema; each event channel names its payload.
 * The engine's dispatcher validates params against these; the renderer sees only `RpcClient`.
 */
import { z } from 'zod';
import { FenceEventSchema, FenceEventTypeSchema } from './fence-event';
import { FenceInputSchema, FenceSchema } from './fence';

const Binary = z.instanceof(ArrayBuffer);

export const BoundsSchema = z
  .object({
    west: z.number().finite().min(-540).max(540),
    south: z.number().finite().min(-90).max(90),
    east: z.number().finite().min(-540).max(540),
    north: z.number().finite().min(-90).max(90),
  })
  .refine((b) => b.south <= b.north, { message: 'south must not be above north', path: ['south'] });
export type Bounds = z.infer<typeof BoundsSchema>;

export const HeatmapMetricSchema = z.enum(['devices', 'positions']);
export type HeatmapMetric = z.infer<typeof HeatmapMetricSchema>;

export const ViewportSchema = z
  .object({
    bounds: BoundsSchema,
    zoom: z.number().finite().min(0).max(24),
  })
  .strict();
export type Viewport = z.infer<typeof ViewportSchema>;

export const SourceKindSchema = z.enum(['simulator', 'nats']);
export const StatusSchema = z.object({
  version: z.string(),
  source: SourceKindSchema,
  sourceState: z.enum(['starting', 'running', 'reconnecting', 'error', 'stopped']),
  sourceDetail: z.string().optional(),
  positionsPerSec: z.number(),
  positionsTotal: z.number(),
  devices: z.number(),
  cells: z.number(),
  windowS: z.number(),
  maxResolution: z.number(),
  uptimeS: z.number(),
  /** NATS ingest only: committed positions, redeliveries skipped, messages quarantined. */
  ingest: z.object({ committed: z.number(), skipped: z.number(), quarantined: z.number() }).optional(),
  /** The delivery queue: its health, what waits and what is dead-lettered (why, when it cannot open). */
  queue: z
    .object({ health: z.enum(['Healthy', 'Degraded', 'Unhealthy', 'Unavailable']), pending: z.number(), dlq: z.number(), detail: z.string().optional() })
    .optional(),
});
export type Status = z.infer<typeof StatusSchema>;

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

// ── the delivery queue ─────────────────────────────────────────────────────

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
    subject: z.string().regex(/^[^\s*>]+$/, 'a NATS subject without wildcards').optional(),
    secretRef: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a secret name: letters, digits, _ . -').optional(),
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
const Epoch = z.number().int().nonnegative();
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

// ── fences ─────────────────────────────────────────────────────────────────

const FenceIdParam = z.string().min(1).max(128);
const DeployStateSchema = z.object({ state: z.enum(['deployed', 'pending', 'error']), message: z.string().optional(), version: z.number() });
const BacktestResultSchema = z.object({
  positions: z.number(),
  events: z.number(),
  byType: z.record(z.string(), z.number()),
  byDevice: z.array(z.object({ device_id: z.string(), events: z.number() })),
  first: z.array(FenceEventSchema),
});
const FeatureCollectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()).max(100_000) });

export const methods = {
  /** Engine and source health, the same figures the status bar shows. */
  'engine.status': { params: z.object({}).strict(), result: StatusSchema },
  /** Sets this client's viewport; frames for it then arrive on `heatmap.frame`. */
  'heatmap.viewport': {
    params: ViewportSchema,
    result: z.object({ resolution: z.number().int(), frameIntervalMs: z.number() }),
  },
  /** One heatmap frame for a viewport, now (binary, see heatmap-frame.ts). */
  'heatmap.snapshot': { params: ViewportSchema, result: Binary },
  /** The effective configuration (secrets redacted) and where the settings file lives. */
  'config.get': {
    params: z.object({}).strict(),
    result: z.object({ settingsPath: z.string(), config: z.record(z.string(), z.unknown()) }),
  },
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
  /** The seed's queue metrics, plus figures per target. */
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
  /** Every fence, with where it is deployed. */
  'fences.list': { params: z.object({}).strict(), result: z.array(FenceSchema) },
  /** One fence and every version of it. */
  'fences.get': {
    params: z.object({ id: FenceIdParam }).strict(),
    result: z.object({ fence: FenceSchema, history: z.array(z.object({ version: z.number(), at: z.number(), fence: FenceSchema.optional() })) }),
  },
  /** Creates a fence or saves its next version (`expectedVersion` refuses a stale edit). Each problem of an invalid fence is named. */
  'fences.save': { params: z.object({ fence: FenceInputSchema, expectedVersion: z.number().int().nonnegative().optional() }).strict(), result: FenceSchema },
  'fences.enable': { params: z.object({ id: FenceIdParam, enabled: z.boolean() }).strict(), result: FenceSchema },
  /** Deletes a fence (devices inside it get a synthetic exit). */
  'fences.remove': { params: z.object({ id: FenceIdParam }).strict(), result: z.object({ removed: z.boolean() }) },
  /** Imports a GeoJSON FeatureCollection: valid features are saved, invalid ones reported by index. */
  'fences.import': {
    params: z.object({ collection: FeatureCollectionSchema }).strict(),
    result: z.object({ saved: z.array(z.string()), errors: z.array(z.object({ index: z.number(), id: z.string().optional(), message: z.string() })) }),
  },
  'fences.export': { params: z.object({}).strict(), result: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) }) },
  /** What a draft fence would have fired over a time range of the archive, without deploying it. */
  'fences.backtest': {
    params: z
      .object({ fence: FenceInputSchema, from: Epoch.optional(), to: Epoch.optional(), limit: z.number().int().min(1).max(10_000).default(100) })
      .strict(),
    result: BacktestResultSchema,
  },
  /** Which engine decides events, and for Tile38 the connection and each fence's deployment. */
  'fences.status': {
    params: z.object({}).strict(),
    result: z.object({
      engine: z.enum(['embedded', 'tile38']),
      fences: z.number(),
      devices: z.number(),
      connection: z.enum(['connecting', 'connected', 'reconnecting', 'error']).optional(),
      error: z.string().optional(),
      deploy: z.record(z.string(), DeployStateSchema).optional(),
      /** Fixes handed to Tile38 but not yet SET: how far it lags behind. */
      waiting: z.number().optional(),
    }),
  },
} as const;



export const channels = {
  status: StatusSchema,
  'heatmap.frame': Binary,
  /** The live event feed: every fence event as the built-in `feed` target delivers it. */
  'fence.event': z.object({ id: z.string(), event: FenceEventSchema }),
} as const;

export type MethodName = keyof typeof methods;
export type ChannelName = keyof typeof channels;
export type ParamsOf<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type PayloadOf<C extends ChannelName> = z.output<(typeof channels)[C]>;

export const RpcErrorCodeSchema = z.enum(['invalid_params', 'unknown_method', 'unauthorized', 'unavailable', 'internal']);
export type RpcErrorCode = z.infer<typeof RpcErrorCodeSchema>;
export interface RpcErrorBody {
  code: RpcErrorCode;
  message: string;
  /** For invalid_params: each offending field as a dotted path, and what is wrong with it. */
  issues?: { path: string; message: string }[];
}

/** The error every RpcClient rejects with; `issues` names the fields for invalid params. */
export class RpcError extends Error {
  readonly code: RpcErrorCode;
  readonly issues: { path: string; message: string }[];
  constructor(body: RpcErrorBody) {
    super(body.message);
    this.name = 'RpcError';
    this.code = body.code;
    this.issues = body.issues ?? [];
  }
  toBody(): RpcErrorBody {
    return { code: this.code, message: this.message, ...(this.issues.length ? { issues: this.issues } : {}) };
  }
}

/** What the renderer holds; picked at start (IPC in Electron, WebSocket in web mode). */
export interface RpcClient {
  call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  subscribe<C extends ChannelName>(channel: C, listener: (payload: PayloadOf<C>) => void): () => void;
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

/** zod issues → the `path: message` list an RpcError carries. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}
