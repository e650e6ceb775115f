import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { cellToBigInt } from '../../shared/h3-cell';
import type { PositionRow, QuarantineRow } from '../history';
import type { Config } from '../config';
import { indexPosition } from '../live';
import { decodePosition } from './decode';
import { natsConnectionOptions, redactUrl } from './nats-options';
import { SeqRanges, type Range } from './seq-ranges';

/** Where a batch's effects are committed, atomically with the sequences it covers. */
export interface IngestSink {
  committedRanges(stream: string): Promise<Range[]>;
  commit(batch: { stream: string; rows: PositionRow[]; quarantined: QuarantineRow[]; committed: Range[] }): Promise<void>;
}

export type IngestState = 'starting' | 'running' | 'reconnecting' | 'error' | 'stopped';

export interface IngestOptions {
  nats: Config['nats'];
  maxMessageBytes: number;
  env: Readonly<Record<string, string | undefined>>;
  sink: IngestSink;
  /** Each committed fix with its resolution-15 cell, for the live view. */
  onFix: (id: string, ts: number, lat: number, lon: number, hi: number, lo: number) => void;
  onCommitted?: (positions: number) => void;
  log?: (line: string) => void;
}

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];

/**
 * Positions from a durable JetStream pull consumer into the sink, exactly once in effect: a batch is
 * committed with its sequences before any of its messages is acked, and a redelivered sequence that
 * is already committed is acked and skipped.
 */
export class PositionIngest {
  state: IngestState = 'starting';
  detail = 'connecting';
  readonly quarantineCounts: Record<string, number> = {};
  committed = 0;
  skipped = 0;
  private ranges = new SeqRanges();
  private nc: NatsConnection | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: IngestOptions) {
    this.log = options.log ?? (() => {});
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.state = 'stopped';
    await this.nc?.close().catch(() => {});
    await this.running;
  }

  private setState(state: IngestState, detail: string): void {
    if (state !== this.state || detail !== this.detail) this.log(`nats: ${state}: ${detail}`);
    this.state = state;
    this.detail = detail;
  }

  private async run(): Promise<void> {
    const { nats, sink } = this.options;
    const where = nats.servers.map(redactUrl).join(', ');
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        this.setState(attempt === 0 ? 'starting' : 'reconnecting', `connecting to ${where}`);
        this.ranges = new SeqRanges(await sink.committedRanges(nats.stream));
        const nc = (this.nc = await connect(natsConnectionOptions(nats, this.options.env)));
        void this.watch(nc);
        const consumer = await this.prepare(nc);
        this.setState('running', `${redactUrl(nc.getServer())} · stream ${nats.stream} · consumer ${nats.consumer}`);
        attempt = 0;
        await this.consume(consumer);
        if (!this.stopped) throw new Error('the consumer stopped');
      } catch (err) {
        if (this.stopped) break;
        const wait = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
        this.setState('error', `${describe(err)} (retrying in ${Math.round(wait / 1000)} s)`);
        await this.nc?.close().catch(() => {});
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (this.stopped) return;
      if (s.type === 'disconnect' || s.type === 'reconnecting') this.setState('reconnecting', `lost the connection to ${redactUrl(nc.getServer())}, reconnecting`);
      else if (s.type === 'reconnect') this.setState('running', `${redactUrl(nc.getServer())} · stream ${this.options.nats.stream} · consumer ${this.options.nats.consumer}`);
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
      this.log(`nats: created stream ${nats.stream} on ${nats.subjects.join(', ')}`);
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

  private async consume(consumer: Awaited<ReturnType<PositionIngest['prepare']>>): Promise<void> {
    const batchSize = this.options.nats.batch;
    const messages = await consumer.consume({ max_messages: Math.max(100, batchSize * 2) });
    let pending: JsMsg[] = [];
    let lastArrival = 0;
    let chain = Promise.resolve();
    const flush = () => {
      if (pending.length === 0) return chain;
      const batch = pending;
      pending = [];
      chain = chain.then(() => this.process(batch));
      return chain;
    };
    // A trickle of fixes is committed within ~25 ms instead of waiting for a full batch.
    const idle = setInterval(() => {
      if (pending.length > 0 && Date.now() - lastArrival >= 20) void flush();
    }, 25);
    try {
      for await (const m of messages) {
        if (this.stopped) break;
        pending.push(m);
        lastArrival = Date.now();
        if (pending.length >= batchSize) await flush();
      }
      await flush();
    } finally {
      clearInterval(idle);
      messages.stop();
    }
  }

  /** Decodes, commits, then acks one batch; on a failed commit nothing is acked and the batch comes back. */
  private async process(batch: JsMsg[]): Promise<void> {
    const { sink, nats, maxMessageBytes, onFix } = this.options;
    const rows: PositionRow[] = [];
    const quarantined: QuarantineRow[] = [];
    const seqs: number[] = [];
    const fresh: JsMsg[] = [];
    const cell = new Uint32Array(2);
    const received = Date.now();
    for (const m of batch) {
      if (this.ranges.has(m.seq)) {
        this.skipped++; // committed before a crash, redelivered since: ack only
        m.ack();
        continue;
      }
      fresh.push(m);
      seqs.push(m.seq);
      const d = decodePosition(m.data, maxMessageBytes);
      if (!d.ok) {
        quarantined.push({ seq: BigInt(m.seq), subject: m.subject, raw: m.data, reason: d.reason, detail: d.detail, received });
        continue;
      }
      const p = d.position;
      indexPosition(p.lat, p.lon, cell);
      rows.push({
        seq: BigInt(m.seq),
        device_id: p.id,
        ts: p.ts,
        lat: p.lat,
        lon: p.lon,
        h3: cellToBigInt(cell[0], cell[1]),
        speed: p.speed,
        heading: p.heading,
        accuracy: p.accuracy,
        kind: p.kind,
        props: p.props === undefined ? undefined : JSON.stringify(p.props),
      });
    }
    if (fresh.length === 0) return;
    const next = this.ranges.with(seqs);
    try {
      await sink.commit({ stream: nats.stream, rows, quarantined, committed: next.toArray() });
    } catch (err) {
      this.setState('error', `cannot commit ${fresh.length} positions: ${describe(err)}; they will be redelivered`);
      for (const m of fresh) m.nak(5000);
      return;
    }
    this.ranges = next;
    for (const m of fresh) m.ack();
    for (const q of quarantined) this.quarantineCounts[q.reason] = (this.quarantineCounts[q.reason] ?? 0) + 1;
    for (const r of rows) {
      const hi = Number(r.h3 >> 32n);
      const lo = Number(r.h3 & 0xffffffffn);
      onFix(r.device_id, r.ts, r.lat, r.lon, hi, lo);
    }
    this.committed += rows.length;
    this.options.onCommitted?.(rows.length);
    if (this.state === 'error') this.setState('running', `${redactUrl(this.nc?.getServer() ?? '')} · stream ${nats.stream} · consumer ${nats.consumer}`);
  }
}

function describe(err: unknown): string {
  const e = err as Error & { code?: string };
  const msg = e?.message ?? String(err);
  return e?.code && !msg.includes(e.code) ? `${msg} (${e.code})` : msg;
}
