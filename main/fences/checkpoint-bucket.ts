import type { KV } from '@nats-io/kv';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Config } from '../config';
import { natsConnectionOptions } from '../nats';
import { checkpointKey, decodeCheckpoint, encodeCheckpoint, type FenceCheckpoint } from './fence-checkpoint';

/** The bucket every engine of a fleet keeps its partitions' fence state in. */
export const FENCE_STATE_BUCKET = 'hexwatch-fence-state';

/** What a partition's key holds: a checkpoint, nothing yet, or a value no engine can use (and why). */
export type StoredCheckpoint =
  | { kind: 'checkpoint'; checkpoint: FenceCheckpoint; revision: number }
  | { kind: 'none'; revision?: number }
  | { kind: 'refused'; reason: string; revision: number };

/** A stored checkpoint in a few words, for the log. */
export function describeStored(stored: StoredCheckpoint): string {
  if (stored.kind === 'checkpoint')
    return `checkpoint of seq ${stored.checkpoint.seq} by ${stored.checkpoint.engine}, ${stored.checkpoint.devices.length} devices`;
  return stored.kind === 'none' ? 'no checkpoint yet' : 'an unusable checkpoint';
}

/** The checkpoint a key holds when an engine of `partitions` partitions of `stream` can use it; else why not (undefined: the key holds none). */
export function usableCheckpoint(stored: StoredCheckpoint, partitions: number, stream: string): { checkpoint: FenceCheckpoint } | { why?: string } {
  if (stored.kind === 'refused') return { why: stored.reason };
  if (stored.kind !== 'checkpoint') return {};
  const c = stored.checkpoint;
  if (c.partitions === partitions && c.stream === stream) return { checkpoint: c };
  return { why: `it is of ${c.partitions} partitions of ${c.stream}, not ${partitions} of ${stream}` };
}

/** Another engine wrote the key since this one read or wrote it: it owns the partition now. */
export class CheckpointTaken extends Error {}

/**
 * The checkpoints in the JetStream key-value bucket (made when missing, with the stream's replicas). A write
 * names the revision it follows, so an engine that lost a partition can never overwrite its new owner's state.
 */
export class CheckpointBucket {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly kv: KV,
    /** The same connection's JetStream: a partition's positions are replayed through it. */
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
  ) {}

  static async open(nats: Config['nats'], env: Readonly<Record<string, string | undefined>>): Promise<CheckpointBucket> {
    // nats.js is loaded only by an engine that hands fence state over.
    const [{ connect }, { jetstream, jetstreamManager }, { Kvm }] = await Promise.all([
      import('@nats-io/transport-node'),
      import('@nats-io/jetstream'),
      import('@nats-io/kv'),
    ]);
    const nc = await connect({ ...natsConnectionOptions(nats, env), name: 'hexwatch fence state' });
    try {
      const jsm = await jetstreamManager(nc);
      // One value per key is all a new owner needs; create binds to the bucket when it exists.
      const kv = await new Kvm(nc).create(FENCE_STATE_BUCKET, { replicas: nats.streamReplicas, history: 1 });
      return new CheckpointBucket(nc, kv, jetstream(nc), jsm);
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  /** The largest value the server takes (its max_payload), less room for the message's headers. */
  get maxValueBytes(): number {
    return (this.nc.info?.max_payload ?? 1024 * 1024) - 4096;
  }

  async read(stream: string, partition: number): Promise<StoredCheckpoint> {
    const entry = await this.kv.get(checkpointKey(stream, partition));
    if (!entry || entry.operation !== 'PUT') return { kind: 'none' };
    const decoded = decodeCheckpoint(entry.value);
    return decoded.ok
      ? { kind: 'checkpoint', checkpoint: decoded.checkpoint, revision: entry.revision }
      : { kind: 'refused', reason: decoded.reason, revision: entry.revision };
  }

  /** Writes a checkpoint after `revision` (none: the key must not exist); its new revision, or CheckpointTaken. */
  async write(checkpoint: FenceCheckpoint, revision: number | undefined): Promise<{ revision: number; bytes: number }> {
    const key = checkpointKey(checkpoint.stream, checkpoint.partition);
    const value = await encodeCheckpoint(checkpoint);
    if (value.length > this.maxValueBytes)
      throw new Error(`${checkpoint.devices.length} devices make ${value.length} bytes, over the server's ${this.maxValueBytes + 4096}-byte max_payload`);
    try {
      const next = revision === undefined ? await this.kv.create(key, value) : await this.kv.update(key, value, revision);
      return { revision: next, bytes: value.length };
    } catch (err) {
      if (/wrong last sequence|key exists/i.test((err as Error).message)) throw new CheckpointTaken(`${key} was written by another engine`);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.nc.close().catch(() => {});
  }
}
