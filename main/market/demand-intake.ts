import type { Config } from '../config';
import { SeqRanges, type QuarantineRow, type Range } from '../history';
import { AckReach, ReaderThread, type AckStall, type IngestState, type RawBatch } from '../ingest';
import { DemandReader } from './demand-decode';
import type { DemandCount, MarketJournal } from './market-journal';

export interface DemandIntakeOptions {
  /** The connection, with the demand stream, subjects and durable consumer in place of the positions'. */
  nats: Config['nats'];
  env: Readonly<Record<string, string | undefined>>;
  maxMessageBytes: number;
  journal: MarketJournal;
  /** The stream's sequences already counted (the journal's). */
  committed: readonly Range[];
  /** The market cell of a point. */
  cellOf: (lat: number, lon: number) => number;
  /** Bad requests, kept for inspection beside bad positions (the history's quarantine), when there is one. */
  quarantine?: (stream: string, rows: QuarantineRow[], committed: Range[]) => Promise<void>;
  /** Requests journalled: now they count. `lagMs` is the sum of (counted − event time) over them. */
  onCounted: (counts: readonly DemandCount[], requests: number, lagMs: number) => void;
  log?: (line: string) => void;
}

/**
 * Requests from the DEMAND stream's durable consumer, each counted exactly once: a batch's counts are
 * journalled with its sequences (market.sqlite) before it is acked, and a redelivered sequence already
 * journalled is acked and skipped. A bad request is quarantined with why, and the rest count. The
 * consumer acks ranges (ack policy "all"): one ack per batch, reaching up to where every sequence
 * from the stream's start is counted. A request deleted from the stream before it was read leaves a hole
 * no delivery fills: when acks have waited behind one, the consumer is asked (see `proveHoles`).
 */
export class DemandIntake {
  state: IngestState = 'starting';
  detail = 'connecting';
  counted = 0;
  skipped = 0;
  quarantined = 0;
  /** The consumer's messages not yet delivered, as the last batch said (-1: not yet known). */
  backlog = -1;
  private ranges: SeqRanges;
  private readonly reach = new AckReach();
  private reader: ReaderThread | undefined;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly log: (line: string) => void;
  private readonly requests = new DemandReader();

  constructor(private readonly options: DemandIntakeOptions) {
    this.ranges = new SeqRanges(options.committed);
    this.log = options.log ?? (() => {});
  }

  start(): void {
    this.reader = new ReaderThread({
      nats: this.options.nats,
      env: this.options.env,
      onState: (state, detail) => {
        if (this.stopped && state !== 'stopped') return;
        if (state !== this.state || detail !== this.detail) this.log(`demand: ${state}: ${detail}`);
        this.state = state;
        this.detail = detail;
      },
      onBatch: (batch) => {
        this.chain = this.chain.then(() => this.take(batch));
      },
      // One ack per batch covers every request up to the end of the counted run (see take).
      ackPolicy: 'all',
      onAckFloor: (seq) => {
        // Below the consumer's ack floor nothing comes again: counted, as far as acks go.
        this.chain = this.chain.then(() => {
          this.ranges = this.ranges.with([], seq);
        });
      },
      onAckStall: (stall) => {
        this.chain = this.chain.then(() => this.proveHoles(stall));
      },
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.reader?.stop();
    await this.chain;
    this.state = 'stopped';
  }

  private async take(batch: RawBatch): Promise<void> {
    if (batch.pending >= 0) this.backlog = batch.pending;
    const { maxMessageBytes, cellOf, journal, nats } = this.options;
    // Requests with no kind (most) are counted by cell key alone: no string made per request.
    const plain = new Map<number, DemandCount>();
    const kinded = new Map<string, DemandCount>();
    const bad: QuarantineRow[] = [];
    const fresh: number[] = [];
    const seen = new Set<number>();
    const bytes = new Uint8Array(batch.data);
    const received = Date.now();
    let requests = 0;
    let lagMs = 0;
    for (let i = 0; i < batch.seqs.length; i++) {
      const seq = batch.seqs[i];
      if (this.ranges.has(seq) || seen.has(seq)) {
        this.skipped++;
        continue;
      }
      seen.add(seq);
      fresh.push(seq);
      const start = batch.offsets[i];
      const end = batch.offsets[i + 1];
      const d = this.requests.read(bytes, start, end, maxMessageBytes);
      if (!d.ok) {
        bad.push({ seq: BigInt(seq), subject: batch.subjects[batch.subjectOf[i]], raw: bytes.slice(start, end), reason: d.reason, detail: d.detail, received });
        continue;
      }
      const { event } = d;
      const key = cellOf(event.lat, event.lon);
      const kind = event.kind ?? '';
      const id = kind === '' ? '' : `${key}\u0000${kind}`;
      const c = kind === '' ? plain.get(key) : kinded.get(id);
      if (c) c.n++;
      else if (kind === '') plain.set(key, { key, kind, n: 1 });
      else kinded.set(id, { key, kind, n: 1 });
      requests++;
      lagMs += received - event.ts;
    }
    const counts = [...plain.values(), ...kinded.values()];
    const next = this.ranges.with(fresh);
    try {
      if (bad.length > 0 && this.options.quarantine) await this.options.quarantine(nats.stream, bad, next.toArray());
      journal.recordDemand(counts, nats.stream, next.toArray());
    } catch (err) {
      this.log(`demand: cannot count ${fresh.length} requests: ${(err as Error).message}; they will be redelivered`);
      this.reader?.settle(batch.id, false);
      return;
    }
    this.ranges = next;
    this.reach.delivered(batch.seqs);
    this.counted += requests;
    this.quarantined += bad.length;
    this.options.onCounted(counts, requests, lagMs);
    // The ack reaches the end of the counted run from the stream's start only: a request delivered and
    // not yet counted (a batch that failed, or one a killed engine had) lies past it and comes again.
    this.reader?.settle(batch.id, true, this.reach.upTo(next));
  }

  /** Holes the acks wait behind, filled when they hold only requests deleted before they were read. */
  private proveHoles(stall: AckStall): void {
    const filled = this.reach.prove(stall, this.ranges);
    if (!filled) return;
    this.ranges = filled;
    this.reader?.reach(this.reach.upTo(filled));
  }
}
