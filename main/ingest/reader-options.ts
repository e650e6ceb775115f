/** What the NATS reader (nats-reader.ts) is told, and what it reports. */
import type { Config, PartitionLayout } from '../config';
import type { RawBatch } from './batch-builder';
import type { AckPolicy } from './jetstream-setup';
import type { AckStall } from './range-acks';

/** Where ingest stands, as the engine's status reports it. */
export type IngestState = 'starting' | 'running' | 'reconnecting' | 'error' | 'stopped';

/** A NATS server reached: its URL as the settings name it (no credentials) and its release. */
export interface NatsServer {
  url: string;
  version: string;
}

export interface NatsReaderOptions {
  nats: Config['nats'];
  env: Readonly<Record<string, string | undefined>>;
  onState: (state: IngestState, detail: string) => void;
  onBatch: (batch: RawBatch) => void;
  /** The server a connection reached and its release, on each connection. */
  onServer?: (server: NatsServer) => void;
  /** Batches handed out and not yet settled, at most. */
  maxInFlight?: number;
  /**
   * Say so in the state when another client pulls from the same consumer: with the embedded fence
   * engine each engine would see only part of a device's track (Tile38 holds every device's state).
   */
  warnShared?: boolean;
  /** Partitions: a pinned consumer each, all pulled over this connection. */
  partitions?: PartitionLayout;
  /** A partition's pin was gained (its deliveries are held until `release(partition, epoch)`) or lost. */
  onOwnership?: (partition: number, owned: boolean, epoch: number) => void;
  /** Every partition's consumer has acked every sequence up to this one (partitions on; from the surveys). With ack policy "all", the consumer's on each connection. */
  onAckFloor?: (seq: number) => void;
  /** "all": a committed batch is acked in one line covering every sequence up to the `upTo` its settle says (no partitions). */
  ackPolicy?: AckPolicy;
  /** Ack policy "all": acks have waited behind a hole for a while, and this is where the consumer says they stand (see `reach`). */
  onAckStall?: (stall: AckStall) => void;
}
