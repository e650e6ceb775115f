/**
 * The one RPC contract both transports carry (Electron IPC and the web bridge's WebSocket). Each file here
 * is one capability, named as its engine room (`main/<name>/`) and its screen (`renderer/src/features/<name>/`)
 * are, and its methods and channels are prefixed `<name>.`; `contract.ts` holds the pieces they share. Each
 * method names its params schema and result schema, and a method that changes something lists in `invalidates`
 * the methods whose cached answers it makes stale; each channel names its payload. The engine's dispatcher
 * validates params against these; the renderer sees only `RpcClient`.
 */
import { basemapMethods } from './basemap';
import { configMethods } from './config';
import { connectionsMethods } from './connections';
import { deliveriesChannels, deliveriesMethods } from './deliveries';
import { demoMethods } from './demo';
import { fencesChannels, fencesMethods } from './fences';
import { fleetChannels, fleetMethods } from './fleet';
import { heatmapChannels, heatmapMethods } from './heatmap';
import { historyMethods } from './history';
import { jobsChannels, jobsMethods } from './jobs';
import { marketChannels, marketMethods } from './market';
import { notebooksMethods } from './notebooks';
import { playbackMethods } from './playback';
import { preferencesChannels, preferencesMethods } from './preferences';
import { quarantineMethods } from './quarantine';
import { statusChannels, statusMethods } from './status';
import type { z } from 'zod';

export * from './contract';
export * from './heatmap';
export * from './status';
export type { Place } from './basemap';
export type { QuarantineEntry } from './quarantine';
export type { QueueFigures, QueueItemInfo, QueueSample, TargetInfo } from './deliveries';
export type { OpenedView, ResultColumn } from './notebooks';
export type { GisPreview } from './fences';
export type { JobProgress } from './jobs';
export type { MarketCell, MarketMetrics } from './market';
export type { DemoStatus } from './demo';
export { FleetListSchema, HeartbeatSchema, type FleetEngine, type FleetList, type FleetPartition, type Heartbeat, type PartitionState } from './fleet';

export const methods = {
  ...statusMethods,
  ...configMethods,
  ...connectionsMethods,
  ...heatmapMethods,
  ...historyMethods,
  ...quarantineMethods,
  ...deliveriesMethods,
  ...fencesMethods,
  ...basemapMethods,
  ...notebooksMethods,
  ...playbackMethods,
  ...marketMethods,
  ...jobsMethods,
  ...preferencesMethods,
  ...demoMethods,
  ...fleetMethods,
} as const;

export const channels = {
  ...statusChannels,
  ...heatmapChannels,
  ...fencesChannels,
  ...deliveriesChannels,
  ...marketChannels,
  ...jobsChannels,
  ...preferencesChannels,
  ...fleetChannels,
} as const;

export type MethodName = keyof typeof methods;
export type ChannelName = keyof typeof channels;
export type ParamsOf<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type PayloadOf<C extends ChannelName> = z.output<(typeof channels)[C]>;
/** The methods that run as jobs: they take a `jobId`, and may be followed on `jobs.progress` and stopped by `jobs.cancel`. */
export type JobMethod = { [M in MethodName]: 'jobId' extends keyof ParamsOf<M> ? M : never }[MethodName];
/** The progress a job of `M` reports on `jobs.progress` (never for a method that reports none). */
export type ProgressOf<M extends MethodName> = Extract<PayloadOf<'jobs.progress'>, { method: M }>;

type InvalidatedName = { [M in MethodName]: (typeof methods)[M] extends { invalidates: readonly (infer N)[] } ? N : never }[MethodName];
// A misspelt name in an `invalidates` list fails the typecheck (and shared/rpc/invalidates.test.ts).
const _invalidatesNameMethods: [InvalidatedName] extends [MethodName] ? true : never = true;

/** The methods whose cached answers a call of `method` makes stale (its entry's `invalidates`); none for a method that changes nothing. */
export function invalidatesOf(method: MethodName): readonly MethodName[] {
  return (methods[method] as { invalidates?: readonly MethodName[] }).invalidates ?? [];
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
