/**
 * The one RPC contract both transports carry (Electron IPC and the web bridge's WebSocket).
 * Each method names its params schema and result schema; each event channel names its payload.
 * The engine's dispatcher validates params against these; the renderer sees only `RpcClient`.
 */
import { z } from 'zod';

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
} as const;

export const channels = {
  status: StatusSchema,
  'heatmap.frame': Binary,
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
