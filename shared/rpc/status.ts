/** The engine's status: the figures the status bar shows, asked for and pushed every second. */
import { z } from 'zod';
import { DemoStatusSchema } from './demo';

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
  /** NATS ingest only: committed positions, redeliveries skipped, messages quarantined; with partitions, those this engine owns of how many. */
  ingest: z
    .object({
      committed: z.number(),
      skipped: z.number(),
      quarantined: z.number(),
      partitions: z.object({ owned: z.array(z.number()), total: z.number() }).optional(),
    })
    .optional(),
  /** The delivery queue: its health, what waits and what is dead-lettered (why, when it cannot open). */
  queue: z
    .object({ health: z.enum(['Healthy', 'Degraded', 'Unhealthy', 'Unavailable']), pending: z.number(), dlq: z.number(), detail: z.string().optional() })
    .optional(),
  /** The market: cells holding supply or demand, those surging, events counted per second, and how its demand is read. */
  market: z.object({ cells: z.number(), surging: z.number(), eventsPerSec: z.number(), demand: z.string(), detail: z.string().optional() }).optional(),
  /** NATS ingest only: the server the reader is connected to (no credentials) and its release. */
  natsServer: z.object({ url: z.string(), version: z.string() }).optional(),
  /** The demo history a new data dir started with (the simulator): the stretch it covers, and whether it is being written (how far), there, or being cleared. */
  demo: DemoStatusSchema.optional(),
  /** The archive's copies to a bucket (archive.s3Url): parts copied and waiting, the last copy, and the store's refusal while it lasts. */
  archiveCopy: z
    .object({ target: z.string(), copied: z.number(), pending: z.number(), lastCopyAt: z.number().optional(), error: z.string().optional() })
    .optional(),
});
export type Status = z.infer<typeof StatusSchema>;

/** What the About box names beside the shell's own versions: the engine's, its databases', and the NATS server it reads. */
export const AboutSchema = z.object({
  version: z.string(),
  source: SourceKindSchema,
  duckdb: z.string(),
  sqlite: z.string(),
  nats: z.object({ url: z.string(), version: z.string() }).optional(),
});
export type About = z.infer<typeof AboutSchema>;

export const statusMethods = {
  /** Engine and source health, the same figures the status bar shows. */
  'status.get': { params: z.object({}).strict(), result: StatusSchema },
  /** The versions the About box shows: hexwatch, DuckDB, SQLite, and the NATS server when ingest reads one (Tile38's is in `fences.status`). */
  'status.about': { params: z.object({}).strict(), result: AboutSchema },
} as const;

export const statusChannels = {
  /** The status, every second while a client is connected (answers that follow the engine refresh on it). */
  'status.changed': StatusSchema,
} as const;
