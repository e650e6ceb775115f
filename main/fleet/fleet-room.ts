import type { FleetList, PartitionState, Status } from '../../shared/rpc';
import { readsNats, type Config } from '../config';
import type { PositionSinks } from '../ingest';
import type { Handlers } from '../rpc';
import { FleetBucket } from './fleet-bucket';
import { FleetMembers, fleetSignature } from './fleet-members';
import { heartbeatOf, identityOf, type IngestLag } from './heartbeat';

/** fleet.changed goes out at most this often. */
const CHANGE_CHECK_MS = 1000;

export interface FleetRoomOptions {
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The engine's status: the figures a heartbeat carries (source, rates, queue). */
  status: () => Status;
  /** The fan-out of accepted positions: the room registers a sink to know how old the last committed one was. */
  positions: PositionSinks;
  /** Ingest, when this engine pulls: every partition it pulls from, owned or not (none while partitions are off). */
  ingest?: { partitions(): PartitionState[]; setFleetSize?(engines: number): void };
  /** The fleet, when membership or ownership changed. */
  onChanged: (list: FleetList) => void;
  clock: () => number;
  log: (line: string) => void;
}

export interface FleetRoom {
  list(): FleetList;
  /** Deletes this engine's heartbeat (the others see it leave at once) and closes the bucket's connection. */
  stop(): Promise<void>;
}

/** Whether the engine pulls positions and demand from NATS: it reads NATS and does more than watch the fleet. */
export const pullsFromNats = (config: Config): boolean => readsNats(config) && !config.fleet.watchOnly;

/**
 * The fleet as this engine sees it, started at once: with NATS, its heartbeat put in the `hexwatch-fleet`
 * bucket every `fleet.heartbeatS` (not when it only watches) and the bucket watched; without, a fleet of one.
 * `fleet.changed` is told when who is in, their state or a partition's owner changed, at most every second.
 */
export function openFleetRoom(config: Config, o: FleetRoomOptions): FleetRoom {
  const identity = identityOf(config, o.dataDir, o.clock());
  const watchOnly = readsNats(config) && config.fleet.watchOnly;
  const members = new FleetMembers();
  const lag: IngestLag = { pending: -1, lastPositionAgeMs: null };
  let error: string | undefined;
  o.positions.add((rows) => {
    if (!rows.length) return;
    let newest = -Infinity;
    for (let i = 0; i < rows.length; i++) newest = Math.max(newest, rows.ts[i]!);
    lag.lastPositionAgeMs = Math.max(0, o.clock() - newest);
  });
  const bucket = readsNats(config)
    ? new FleetBucket({
        nats: config.nats,
        env: o.env,
        heartbeatS: config.fleet.heartbeatS,
        onBeat: (beat, heardAt) => members.put(beat, heardAt),
        onLeft: (id) => members.remove(id, o.clock()),
        onError: (e) => {
          if (e && e !== error) o.log(`fleet: ${e}`);
          error = e;
        },
        clock: o.clock,
        log: o.log,
      })
    : undefined;

  const selfBeat = () => (watchOnly ? undefined : heartbeatOf(identity, o.status(), o.ingest?.partitions() ?? [], lag, o.clock()));
  const list = (): FleetList => {
    const now = o.clock();
    const view = members.view(now, selfBeat());
    return {
      self: { id: identity.id, name: identity.name, watchOnly },
      mode: bucket ? 'bucket' : 'alone',
      ...view,
      ...(error ? { error } : {}),
      at: now,
    };
  };

  const beat = async () => {
    if (!bucket || watchOnly) return;
    if ((o.ingest?.partitions() ?? []).length === 0) lag.pending = await bucket.consumerPending(config.nats.stream, config.nats.consumer);
    const b = selfBeat();
    if (b) await bucket.put(b);
  };
  // One beat at a time, and none after stop: a late put would bring back the key stop deleted.
  let beating: Promise<void> = Promise.resolve();
  let stopped = false;
  const nextBeat = () => {
    if (!stopped) beating = beating.then(beat).catch((err: Error) => o.log(`fleet: heartbeat failed: ${err.message}`));
  };
  bucket?.start();
  nextBeat();
  const beats = setInterval(nextBeat, config.fleet.heartbeatS * 1000);
  let told = '';
  const checks = setInterval(() => {
    const now = list();
    const signature = fleetSignature(now);
    if (signature === told) return;
    told = signature;
    o.onChanged(now);
    // Ingest gives partitions away by the fleet's count of live engines, this one included (the signature holds each state).
    o.ingest?.setFleetSize?.(now.engines.filter((e) => e.state === 'live').length);
  }, CHANGE_CHECK_MS);
  beats.unref?.();
  checks.unref?.();

  return {
    list,
    async stop() {
      stopped = true;
      await beating;
      clearInterval(beats);
      clearInterval(checks);
      await bucket?.close(watchOnly ? undefined : identity.id);
    },
  };
}

export function fleetHandlers<C>(room: FleetRoom): Pick<Handlers<C>, 'fleet.list'> {
  return { 'fleet.list': () => room.list() };
}
