/** The fleet: the engines that share one NATS, as their heartbeats in the `hexwatch-fleet` bucket tell, and who owns each partition. */
import { z } from 'zod';

/** One partition as an engine sees it: whether it holds the pin, and that consumer's backlog (-1: unknown). */
export const PartitionStateSchema = z.object({ partition: z.number().int().min(0), owned: z.boolean(), pending: z.number() });
export type PartitionState = z.infer<typeof PartitionStateSchema>;

/** What an engine puts in the bucket every `fleet.heartbeatS`, under its engine id. */
export const HeartbeatSchema = z.object({
  id: z.string(),
  name: z.string(),
  host: z.string(),
  /** Its data dir, to tell two engines on one host apart (optional: engines before it said none). Never a secret here: the bucket is readable by every engine. */
  dataDir: z.string().optional(),
  version: z.string(),
  pid: z.number(),
  /** Epoch ms, by the engine's clock. */
  startedAt: z.number(),
  /** Its heartbeat period (s): the others count it gone after three missed. */
  heartbeatS: z.number(),
  source: z.enum(['nats', 'simulator']),
  sourceState: z.string(),
  /** Who decides fence events: the embedded engine, or Tile38 through channels or hooks. */
  fenceMode: z.enum(['embedded', 'tile38 channel', 'tile38 hook']),
  /** Every partition it pulls from, owned or not (empty: partitions are off). */
  partitions: z.array(PartitionStateSchema),
  positionsPerSec: z.number(),
  /** The consumer's backlog (-1: unknown) and how old the last committed position was when committed (ms; null: none yet). */
  lag: z.object({ pending: z.number(), lastPositionAgeMs: z.number().nullable() }),
  /** The delivery queue in short: what waits, what is dead-lettered. */
  queue: z.object({ waiting: z.number(), dead: z.number() }),
  /** When it was put, epoch ms by the engine's clock. */
  at: z.number(),
});
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

/** An engine in the fleet: its last heartbeat, and how this engine judges it (`gone`: unheard for 3 heartbeats; `left`: it deleted its key). */
export const FleetEngineSchema = HeartbeatSchema.extend({
  state: z.enum(['live', 'gone', 'left']),
  /** When this engine last heard from it (epoch ms, this engine's clock). */
  heardAt: z.number(),
  /** The engine answering. */
  self: z.boolean(),
});
export type FleetEngine = z.infer<typeof FleetEngineSchema>;

/** A partition of the fleet: the live engines that hold its pin (two only during a handover), its backlog, and since when nobody owns it. */
export const FleetPartitionSchema = z.object({
  partition: z.number().int().min(0),
  owners: z.array(z.string()),
  pending: z.number(),
  /** Epoch ms this engine first saw it unowned; absent while owned. */
  unownedSince: z.number().optional(),
});
export type FleetPartition = z.infer<typeof FleetPartitionSchema>;

export const FleetListSchema = z.object({
  /** This engine's id and name, and whether it only watches (pulls nothing, puts no heartbeat). */
  self: z.object({ id: z.string(), name: z.string(), watchOnly: z.boolean() }),
  /** `bucket`: read from the hexwatch-fleet bucket; `alone`: no NATS, a fleet of one. */
  mode: z.enum(['bucket', 'alone']),
  engines: z.array(FleetEngineSchema),
  partitions: z.array(FleetPartitionSchema),
  /** Why the bucket cannot be read or written now (the server's words), while it lasts. */
  error: z.string().optional(),
  /** Epoch ms of the answer, this engine's clock. */
  at: z.number(),
});
export type FleetList = z.infer<typeof FleetListSchema>;

export const fleetMethods = {
  /** The engines of the fleet and the partitions table, as this engine sees them now. */
  'fleet.list': { params: z.object({}).strict(), result: FleetListSchema },
} as const;

export const fleetChannels = {
  /** The fleet, when an engine joins, goes or leaves or a partition changes hands (at most every second). */
  'fleet.changed': FleetListSchema,
} as const;
