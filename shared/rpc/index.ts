/**
 * The one RPC contract both transports carry (Electron IPC and the web bridge's WebSocket), by area
 * (engine.ts, history.ts, queue.ts, fences.ts, basemap.ts, notebooks.ts, market.ts: the same names as the engine's rooms). Each method
 * names its params schema and result schema; each event channel names its payload. The engine's
 * dispatcher validates params against these; the renderer sees only `RpcClient`.
 */
import { z } from 'zod';
import { FenceEventSchema } from '../fence-event';
import { basemapMethods } from './basemap';
import { Binary, engineMethods, StatusSchema } from './engine';
import { BacktestProgressSchema, fenceMethods } from './fences';
import { historyMethods } from './history';
import { marketChannels, marketMethods } from './market';
import { notebookMethods, QueryProgressSchema } from './notebooks';
import { queueMethods, ReplayProgressSchema } from './queue';

export * from './engine';
export type { Place } from './basemap';
export type { QuarantineEntry } from './history';
export type { QueueItemInfo, QueueSample, TargetInfo } from './queue';
export type { OpenedView, ResultColumn } from './notebooks';
export type { MarketCell, MarketMetrics } from './market';

export const methods = {
  ...engineMethods,
  ...historyMethods,
  ...queueMethods,
  ...fenceMethods,
  ...basemapMethods,
  ...notebookMethods,
  ...marketMethods,
} as const;

export const channels = {
  status: StatusSchema,
  'heatmap.frame': Binary,
  /** The live event feed: every fence event as the built-in `feed` target delivers it. */
  'fence.event': z.object({ id: z.string(), event: FenceEventSchema }),
  /** A fence was saved, enabled, disabled, imported or deleted (by any client): lists refresh. */
  'fences.changed': z.object({ fences: z.number() }),
  /** Progress of this client's running notebook queries. */
  'notebook.progress': QueryProgressSchema,
  /** Dead letters or targets changed (an item dead-lettered, requeued, discarded; a target edited): the Deliveries panel refreshes. */
  'queue.changed': z.object({ dlq: z.number() }),
  /** Progress of this client's running replays. */
  'queue.replay.progress': ReplayProgressSchema,
  /** Progress of this client's running backtests. */
  'fences.backtest.progress': BacktestProgressSchema,
  ...marketChannels,
} as const;

export type MethodName = keyof typeof methods;
export type ChannelName = keyof typeof channels;
export type ParamsOf<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type PayloadOf<C extends ChannelName> = z.output<(typeof channels)[C]>;

export const RpcErrorCodeSchema = z.enum(['invalid_params', 'unknown_method', 'unauthorized', 'unavailable', 'cancelled', 'internal']);
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
