import { hostname } from 'node:os';
import type { Heartbeat, PartitionState, Status } from '../../shared/rpc';
import type { Config } from '../config';
import { engineIdOf } from '../s3';

/** What an engine says of itself that does not change while it runs. */
export type EngineIdentity = Pick<Heartbeat, 'id' | 'name' | 'host' | 'dataDir' | 'pid' | 'startedAt' | 'heartbeatS' | 'fenceMode'>;

/** The engine id of its data dir (`archive.engineId` or `<dataDir>/engine-id`), its name (`cluster.engineName`, else that id), host, data dir, pid. */
export function identityOf(config: Config, dataDir: string, startedAt: number): EngineIdentity {
  const id = engineIdOf(dataDir, config.archive.engineId);
  // cluster.engineName comes with partitions (the cluster section); read loosely so this builds before and after it lands.
  const configured = (config as { cluster?: { engineName?: string } }).cluster?.engineName;
  return {
    id,
    name: configured || id,
    host: hostname(),
    dataDir,
    pid: process.pid,
    startedAt,
    heartbeatS: config.fleet.heartbeatS,
    fenceMode: config.tile38.host ? (config.tile38.mode === 'hook' ? 'tile38 hook' : 'tile38 channel') : 'embedded',
  };
}

/** Ingest's lag: the backlog of the consumers this engine pulls (-1: unknown) and how old the last committed position was when committed. */
export interface IngestLag {
  pending: number;
  lastPositionAgeMs: number | null;
}

/** The heartbeat of this engine now, from its status (the same figures its status bar shows) and its partitions. */
export function heartbeatOf(identity: EngineIdentity, status: Status, partitions: PartitionState[], lag: IngestLag, at: number): Heartbeat {
  const owned = partitions.filter((p) => p.owned && p.pending >= 0);
  return {
    ...identity,
    version: status.version,
    source: status.source,
    sourceState: status.sourceState,
    partitions,
    positionsPerSec: status.positionsPerSec,
    // With partitions, the backlog is that of the partitions it owns; without, its one consumer's.
    lag: { ...lag, pending: partitions.length > 0 ? owned.reduce((sum, p) => sum + p.pending, 0) : lag.pending },
    queue: { waiting: status.queue?.pending ?? 0, dead: status.queue?.dlq ?? 0 },
    at,
  };
}
