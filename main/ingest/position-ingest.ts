import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config';
import { PositionBatch, SeqRanges, type QuarantineRow, type Range } from '../history';
import { indexPosition } from '../live';
import { decodePosition } from './decode';
import { newScannedPosition, scanPosition } from './position-scan';
import type { RawBatch } from './batch-builder';
import type { IngestState } from './nats-reader';

/** Where a batch's effects are committed, atomically with the sequences it covers. */
export interface IngestSink {
  committedRanges(stream: string): Promise<Range[]>;
  commit(batch: { stream: string; rows: PositionBatch; quarantined: QuarantineRow[]; committed: Range[] }): Promise<void>;
}

export interface IngestOptions {
  nats: Config['nats'];
  maxMessageBytes: number;
  env: Readonly<Record<string, string | undefined>>;
  sink: IngestSink;
  /**
   * After a commit, before its acks: the positions committed (with their resolution-15 cells) and the
   * highest stream sequence the commit covers. What it produces downstream must be committed when it returns.
   */
  onCommitted: (rows: PositionBatch, highWater: number) => void;
  log?: (line: string) => void;
}

type FromWorker = { t: 'state'; state: IngestState; detail: string } | { t: 'batch'; batch: RawBatch } | { t: 'stopped' };

/**
 * The built worker sits beside the bundle (out/main/ingest-worker.js). From source (tests, tsx) a tiny
 * module registers tsx in the worker first: Node 20 does not apply `--import tsx` to a worker's entry.
 */
function workerEntry(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const tsxDir = dirname(createRequire(here).resolve('tsx/package.json'));
    const tsx = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href; // its ESM entry (require.resolve picks CJS)
    const entry = new URL('./nats-worker.ts', here).href;
    const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
    return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
  }
  for (const rel of ['./ingest-worker.js', '../ingest-worker.js']) {
    const url = new URL(rel, here);
    // In a packaged app the worker is unpacked beside the asar archive (electron-builder.yml).
    const unpacked = new URL(url.href.replace('/app.asar/', '/app.asar.unpacked/'));
    if (existsSync(unpacked)) return unpacked;
    if (existsSync(url)) return url;
  }
  throw new Error('ingest-worker.js is missing beside the build; run npm run build');
}

/**
 * Positions from a durable JetStream pull consumer into the sink, exactly once in effect. A worker
 * thread consumes and acks (nats-reader.ts); this side decodes, indexes and commits each batch with
 * its sequences, and only then lets the worker ack it. A redelivered sequence already committed is
 * acked and skipped.
 */
export class PositionIngest {
  state: IngestState = 'starting';
  detail = 'connecting';
  readonly quarantineCounts: Record<string, number> = {};
  committed = 0;
  skipped = 0;
  private ranges = new SeqRanges();
  private readonly scanned = newScannedPosition();
  private worker: Worker | undefined;
  private chain: Promise<void> = Promise.resolve();
  private queue: Decoded[] = [];
  private stopped = false;
  private readonly log: (line: string) => void;

  constructor(private readonly options: IngestOptions) {
    this.log = options.log ?? (() => {});
  }

  async start(): Promise<void> {
    const { nats, env, sink } = this.options;
    this.ranges = new SeqRanges(await sink.committedRanges(nats.stream));
    const url = workerEntry();
    // Only what the reader needs crosses over: the NATS settings and the two secret variables.
    const secrets = { HEXWATCH_NATS_PASSWORD: env.HEXWATCH_NATS_PASSWORD, HEXWATCH_NATS_TOKEN: env.HEXWATCH_NATS_TOKEN };
    const worker = (this.worker = new Worker(url, { workerData: { nats, env: secrets } }));
    worker.on('message', (m: FromWorker) => {
      if (m.t === 'state') this.setState(m.state, m.detail);
      else if (m.t === 'batch') {
        // Decoding and indexing run as batches arrive; commits run one at a time behind them, and
        // batches that arrive while one commits are committed together (group commit).
        this.queue.push(this.decode(m.batch));
        if (this.queue.length === 1) this.chain = this.chain.then(() => this.commit(this.queue.splice(0)));
      }
    });
    worker.on('error', (err) => this.setState('error', `the NATS reader failed: ${err.message}`));
    worker.on('exit', (code) => {
      // After an 'error' event its message is the better one to show.
      if (!this.stopped && this.state !== 'error') this.setState('error', `the NATS reader stopped (exit ${code})`);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    if (worker) {
      const done = new Promise<void>((resolve) => {
        worker.on('message', (m: FromWorker) => m.t === 'stopped' && resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage({ t: 'stop' });
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
      await worker.terminate();
    }
    await this.chain;
    this.state = 'stopped';
  }

  private setState(state: IngestState, detail: string): void {
    if (this.stopped && state !== 'stopped') return;
    if (state !== this.state || detail !== this.detail) this.log(`nats: ${state}: ${detail}`);
    this.state = state;
    this.detail = detail;
  }

  private settle(id: number, committed: boolean): void {
    this.worker?.postMessage({ t: 'settle', id, committed });
  }

  /** Decodes and indexes one batch; sequences already committed are left out (they are only acked). */
  private decode(batch: RawBatch): Decoded {
    const { maxMessageBytes } = this.options;
    const rows = new PositionBatch(batch.seqs.length);
    const quarantined: QuarantineRow[] = [];
    const fresh: number[] = [];
    const cell = new Uint32Array(2);
    const received = Date.now();
    const bytes = new Uint8Array(batch.data);
    const s = this.scanned;
    // A second copy of a sequence in one batch: the reader drops repeats, and this is the guard behind
    // it (checked through a set only when the batch is not in order, which it nearly always is).
    const seen = increasing(batch.seqs) ? undefined : new Set<number>();
    for (let i = 0; i < batch.seqs.length; i++) {
      const seq = batch.seqs[i];
      if (this.ranges.has(seq) || seen?.has(seq)) continue;
      seen?.add(seq);
      fresh.push(seq);
      const start = batch.offsets[i];
      const end = batch.offsets[i + 1];
      if (scanPosition(bytes, start, end, maxMessageBytes, s)) {
        indexPosition(s.lat, s.lon, cell);
        rows.add(seq, s.id, s.ts, s.lat, s.lon, cell[0], cell[1], s.speed, s.heading, s.accuracy, s.kind);
        continue;
      }
      // Anything the fast path does not take (props, escapes, every invalid message) gets the full decoder.
      const body = bytes.subarray(start, end);
      const d = decodePosition(body, maxMessageBytes);
      if (!d.ok) {
        quarantined.push({ seq: BigInt(seq), subject: batch.subjects[batch.subjectOf[i]], raw: body.slice(), reason: d.reason, detail: d.detail, received });
        continue;
      }
      const p = d.position;
      indexPosition(p.lat, p.lon, cell);
      rows.add(seq, p.id, p.ts, p.lat, p.lon, cell[0], cell[1], p.speed, p.heading, p.accuracy, p.kind ?? null, p.props === undefined ? null : JSON.stringify(p.props));
    }
    return { id: batch.id, total: batch.seqs.length, rows, quarantined, fresh };
  }

  /** Commits decoded batches with their sequences in one transaction, then lets the reader ack them; on failure they are naked and come back. */
  private async commit(group: Decoded[]): Promise<void> {
    const { sink, nats, onCommitted } = this.options;
    const settle = (ok: boolean) => group.forEach((b) => this.settle(b.id, ok));
    // Ranges may have grown since decoding (a redelivery committed by an earlier batch), and two
    // batches of a group may carry the same sequence: each is kept once, and only if not committed.
    const decoded = group.flatMap((b) => b.fresh);
    const unique = increasing(decoded) ? decoded : [...new Set(decoded)];
    const fresh = unique.filter((seq) => !this.ranges.has(seq));
    const all = PositionBatch.concat(group.map((b) => b.rows));
    const kept = new Set<number>();
    const keep = (seq: number) => !this.ranges.has(seq) && !kept.has(seq) && kept.add(seq) !== undefined;
    const rows = fresh.length === decoded.length ? all : all.filter(keep);
    const quarantined = group.flatMap((b) => b.quarantined).filter((q) => keep(Number(q.seq)));
    this.skipped += group.reduce((n, b) => n + b.total, 0) - fresh.length;
    if (fresh.length === 0) return settle(true);
    const next = this.ranges.with(fresh);
    try {
      await sink.commit({ stream: nats.stream, rows, quarantined, committed: next.toArray() });
    } catch (err) {
      this.setState('error', `cannot commit ${fresh.length} positions: ${(err as Error).message}; they will be redelivered`);
      return settle(false);
    }
    this.ranges = next;
    for (const q of quarantined) this.quarantineCounts[q.reason] = (this.quarantineCounts[q.reason] ?? 0) + 1;
    this.committed += rows.length;
    // What the fixes produced downstream (fence events, queued) is committed before the acks go out.
    onCommitted(rows, fresh.reduce((a, b) => (b > a ? b : a), 0));
    settle(true);
  }
}

/** True when every sequence is above the one before (no repeats possible). */
function increasing(seqs: ArrayLike<number>): boolean {
  for (let i = 1; i < seqs.length; i++) if (seqs[i] <= seqs[i - 1]) return false;
  return true;
}

interface Decoded {
  id: number;
  total: number;
  rows: PositionBatch;
  quarantined: QuarantineRow[];
  fresh: number[];
}
