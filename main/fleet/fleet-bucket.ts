import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Config } from '../config';
import { natsConnectionOptions } from '../nats';
import { HeartbeatSchema, type Heartbeat } from '../../shared/rpc';

export const FLEET_BUCKET = 'hexwatch-fleet';
/** The bucket keeps a key this many of the creator's heartbeats: a dead engine's key goes by itself (per-message TTLs need 2.11). */
const KEPT_BEATS = 5;

export interface FleetBucketOptions {
  nats: Config['nats'];
  env: Readonly<Record<string, string | undefined>>;
  heartbeatS: number;
  /** A heartbeat put (or, at the start of a watch, the last one kept), heard at `heardAt` by this engine's clock. */
  onBeat: (beat: Heartbeat, heardAt: number) => void;
  /** A key deleted: its engine stopped. */
  onLeft: (id: string) => void;
  /** The bucket answers again (undefined) or why not, in the server's words. */
  onError: (error: string | undefined) => void;
  clock: () => number;
  log: (line: string) => void;
}

/**
 * The `hexwatch-fleet` key-value bucket over a nats.js connection of its own: created when missing
 * (replicas = nats.streamReplicas), watched from its last values on, heartbeats put and this engine's key
 * deleted when it stops. Connecting and watching start over after a failure, until `close`.
 */
export class FleetBucket {
  private nc?: NatsConnection;
  private kv?: KV;
  private closed = false;
  private opening?: Promise<KV | undefined>;
  private retry?: NodeJS.Timeout;

  constructor(private readonly o: FleetBucketOptions) {}

  /** Connects and starts the watch (in the background: a server that is down is retried). */
  start(): void {
    void this.bucket();
  }

  async put(beat: Heartbeat): Promise<void> {
    const kv = await this.bucket();
    if (!kv || this.closed) return;
    try {
      await kv.put(beat.id, JSON.stringify(beat));
      this.o.onError(undefined);
    } catch (err) {
      this.o.onError(`cannot put the heartbeat in ${FLEET_BUCKET}: ${(err as Error).message}`);
    }
  }

  /** A consumer's backlog (messages not yet delivered), -1 when the bucket's connection or the consumer cannot say. */
  async consumerPending(stream: string, consumer: string): Promise<number> {
    if (!this.nc || !this.kv) return -1;
    try {
      const { jetstreamManager } = await import('@nats-io/jetstream');
      const info = await (await jetstreamManager(this.nc)).consumers.info(stream, consumer);
      return info.num_pending;
    } catch {
      return -1;
    }
  }

  /** Deletes this engine's key (so the others see it leave at once), then closes the connection. */
  async close(ownKey?: string): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const kv = this.kv ?? (await this.opening?.catch(() => undefined));
    if (kv && ownKey) await kv.delete(ownKey).catch((err: Error) => this.o.log(`fleet: cannot delete ${ownKey} from ${FLEET_BUCKET}: ${err.message}`));
    await this.nc?.close().catch(() => undefined);
  }

  private bucket(): Promise<KV | undefined> {
    if (this.kv) return Promise.resolve(this.kv);
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(): Promise<KV | undefined> {
    if (this.closed) return undefined;
    try {
      // nats.js is loaded only when an engine reads NATS, not at every start-up.
      const [{ connect }, { Kvm }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/kv')]);
      this.nc ??= await connect({ ...natsConnectionOptions(this.o.nats, this.o.env), name: 'hexwatch fleet' });
      const kvm = new Kvm(this.nc);
      const options = { replicas: this.o.nats.streamReplicas, history: 1, ttl: KEPT_BEATS * this.o.heartbeatS * 1000 };
      // Another engine may create it at the same moment, or with another heartbeat: then it is opened as it is.
      const kv = await kvm.create(FLEET_BUCKET, options).catch(() => kvm.open(FLEET_BUCKET));
      if (this.closed) return undefined;
      this.kv = kv;
      this.o.onError(undefined);
      void this.watch(kv);
      return kv;
    } catch (err) {
      this.o.onError(`cannot open the ${FLEET_BUCKET} bucket: ${(err as Error).message}`);
      if (!this.closed) this.retry = setTimeout(() => void this.bucket(), this.o.heartbeatS * 1000);
      return undefined;
    }
  }

  private async watch(kv: KV): Promise<void> {
    while (!this.closed) {
      try {
        const entries = await kv.watch();
        for await (const e of entries) {
          if (this.closed) break;
          const now = this.o.clock();
          if (e.operation !== 'PUT') {
            this.o.onLeft(e.key);
            continue;
          }
          const beat = HeartbeatSchema.safeParse(safeJson(e.string()));
          // Heard when the server stored it (a value kept from before the watch is not news); a bad value is skipped, never fatal.
          if (beat.success) this.o.onBeat(beat.data, Math.min(now, e.created.getTime()));
          else this.o.log(`fleet: ${FLEET_BUCKET} holds a value under ${e.key} that is not a heartbeat; skipped`);
        }
      } catch (err) {
        if (this.closed) return;
        this.o.onError(`the watch of ${FLEET_BUCKET} stopped: ${(err as Error).message}`);
      }
      if (!this.closed) await new Promise((resolve) => setTimeout(resolve, this.o.heartbeatS * 1000));
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
