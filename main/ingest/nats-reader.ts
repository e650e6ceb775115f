import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Config } from '../config';
import { natsConnectionOptions, redactUrl } from './nats-options';

export type IngestState = 'starting' | 'running' | 'reconnecting' | 'error' | 'stopped';

/** A batch of raw messages: bodies packed into one buffer, so it crosses to another thread without copies. */
export interface RawBatch {
  id: number;
  seqs: Float64Array;
  subjects: string[];
  /** Body i is data[offsets[i], offsets[i + 1]). */
  offsets: Uint32Array;
  data: ArrayBuffer;
}

export interface NatsReaderOptions {
  nats: Config['nats'];
  env: Readonly<Record<string, string | undefined>>;
  onState: (state: IngestState, detail: string) => void;
  onBatch: (batch: RawBatch) => void;
  /** Batches handed out and not yet settled, at most. */
  maxInFlight?: number;
}

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];

/**
 * The NATS side of ingest: connection with backoff, the stream and durable pull consumer, messages
 * packed into batches. A batch's messages are acked only when `settle(id, true)` says its effects are
 * committed; `settle(id, false)` naks them for redelivery. Runs in a worker thread (nats-worker.ts),
 * so consuming and acking share no core with decoding and committing.
 */
export class NatsReader {
  private nc: NatsConnection | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private nextId = 1;
  private readonly inFlight = new Map<number, JsMsg[]>();
  private wake: (() => void) | undefined;

  constructor(private readonly options: NatsReaderOptions) {}

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.nc?.close().catch(() => {});
    await this.running;
  }

  settle(id: number, committed: boolean): void {
    const msgs = this.inFlight.get(id);
    if (!msgs) return;
    this.inFlight.delete(id);
    for (const m of msgs) {
      if (committed) m.ack();
      else m.nak(5000);
    }
    this.wake?.();
  }

  private running_detail(nc: NatsConnection): string {
    const { nats } = this.options;
    return `${redactUrl(nc.getServer())} · stream ${nats.stream} · consumer ${nats.consumer}`;
  }

  private async run(): Promise<void> {
    const { nats, onState } = this.options;
    const where = nats.servers.map(redactUrl).join(', ');
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        onState(attempt === 0 ? 'starting' : 'reconnecting', `connecting to ${where}`);
        const nc = (this.nc = await connect(natsConnectionOptions(nats, this.options.env)));
        void this.watch(nc);
        const consumer = await this.prepare(nc);
        onState('running', this.running_detail(nc));
        attempt = 0;
        await this.consume(consumer);
        if (!this.stopped) throw new Error('the consumer stopped');
      } catch (err) {
        if (this.stopped) break;
        const wait = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
        onState('error', `${describe(err)} (retrying in ${Math.round(wait / 1000)} s)`);
        await this.nc?.close().catch(() => {});
        await new Promise((r) => setTimeout(r, wait));
      }
    }
    onState('stopped', 'stopped');
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (this.stopped) return;
      if (s.type === 'disconnect' || s.type === 'reconnecting') this.options.onState('reconnecting', `lost the connection to ${redactUrl(nc.getServer())}, reconnecting`);
      else if (s.type === 'reconnect') this.options.onState('running', this.running_detail(nc));
    }
  }

  private async prepare(nc: NatsConnection) {
    const { nats } = this.options;
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.streams.info(nats.stream);
    } catch (err) {
      if (!/stream not found/i.test(String(err))) throw err;
      if (!nats.createStream) throw new Error(`stream ${nats.stream} does not exist (nats.createStream is off)`);
      await jsm.streams.add({ name: nats.stream, subjects: nats.subjects });
    }
    try {
      await jsm.consumers.info(nats.stream, nats.consumer);
    } catch (err) {
      if (!/consumer not found/i.test(String(err))) throw err;
      await jsm.consumers.add(nats.stream, {
        durable_name: nats.consumer,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nats.ackWaitS * 1_000_000_000,
        max_ack_pending: Math.max(10_000, nats.batch * 4),
      });
    }
    return jetstream(nc).consumers.get(nats.stream, nats.consumer);
  }

  private async consume(consumer: Awaited<ReturnType<NatsReader['prepare']>>): Promise<void> {
    const batchSize = this.options.nats.batch;
    const maxInFlight = this.options.maxInFlight ?? 4;
    const messages = await consumer.consume({ max_messages: Math.max(100, batchSize * 2) });
    let pending: JsMsg[] = [];
    let lastArrival = 0;
    const flush = () => {
      if (pending.length === 0) return;
      const msgs = pending;
      pending = [];
      const id = this.nextId++;
      this.inFlight.set(id, msgs);
      this.options.onBatch(pack(id, msgs));
    };
    // A trickle of fixes is handed on within ~25 ms instead of waiting for a full batch.
    const idle = setInterval(() => {
      if (pending.length > 0 && Date.now() - lastArrival >= 20 && this.inFlight.size < maxInFlight) flush();
    }, 25);
    try {
      for await (const m of messages) {
        if (this.stopped) break;
        pending.push(m);
        lastArrival = Date.now();
        if (pending.length >= batchSize) {
          // Backpressure: wait while the committing side is behind.
          while (this.inFlight.size >= maxInFlight && !this.stopped) await new Promise<void>((r) => (this.wake = r));
          flush();
        }
      }
    } finally {
      clearInterval(idle);
      messages.stop();
    }
  }
}

function pack(id: number, msgs: JsMsg[]): RawBatch {
  const n = msgs.length;
  const offsets = new Uint32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = total;
    total += msgs[i].data.length;
  }
  offsets[n] = total;
  const bytes = new Uint8Array(total);
  const seqs = new Float64Array(n);
  const subjects = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    bytes.set(msgs[i].data, offsets[i]);
    seqs[i] = msgs[i].seq;
    subjects[i] = msgs[i].subject;
  }
  return { id, seqs, subjects, offsets, data: bytes.buffer };
}

function describe(err: unknown): string {
  const e = err as Error & { code?: string };
  const msg = e?.message ?? String(err);
  return e?.code && !msg.includes(e.code) ? `${msg} (${e.code})` : msg;
}
