import { ackPending, repliesWith } from '../nats';
import { BatchBuilder, type RawBatch } from './batch-builder';
import { SeqSet } from './seq-set';
import type { HeldMessages, Lane } from './pull-lanes';

const NAK_LATER = '-NAK {"delay": 5000000000}';
const IN_PROGRESS = '+WPI';
const ACK_HEAD = Buffer.from('PUB ');

/** A batch handed on and not settled yet. */
interface InFlight {
  acks: Buffer;
  seqs: Float64Array;
  /** Its messages per lane. */
  perLane: Int32Array;
  /** When the server last heard that its messages are still being worked on (or first delivered them). */
  progressAt: number;
}

export interface BatchPipelineOptions {
  batchSize: number;
  maxInFlight: number;
  maxDelayMs: number;
  progressEveryMs: number;
  lanes: readonly Lane[];
  onBatch: (batch: RawBatch) => void;
}

/**
 * The reader's messages from delivery to ack: gathered into the next batch, handed on when it is full or
 * its oldest message has waited `maxDelayMs` (and fewer than `maxInFlight` are being committed), acked or
 * naked when settled. A sequence is held at most once; each lane's messages not yet acked are counted.
 */
export class BatchPipeline {
  /** No more batches are handed on (the reader is stopping). */
  closed = false;
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();
  /** Every sequence pending or in flight. */
  private readonly held = new SeqSet();
  private readonly pending = new BatchBuilder();
  private perLane: Int32Array;
  /** When the oldest pending message arrived, and when the server last heard it is in progress. */
  private pendingSince = 0;
  private pendingProgressAt = 0;
  private ageTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: BatchPipelineOptions) {
    this.perLane = new Int32Array(o.lanes.length);
  }

  get full(): boolean {
    return this.inFlight.size >= this.o.maxInFlight;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Holds a sequence; false when it is held already (a redelivery of one pending or being committed: that copy's ack covers it). */
  hold(seq: number): boolean {
    return this.held.add(seq);
  }

  /** Sequences handed back unacked (naked): a redelivery of them is taken again. */
  forget(seqs: Iterable<number>): void {
    for (const seq of seqs) this.held.delete(seq);
  }

  /** One delivery (held already) into the next batch. */
  add(
    lane: Lane,
    buf: Buffer,
    subjectStart: number,
    subjectEnd: number,
    replyStart: number,
    replyEnd: number,
    dataStart: number,
    dataEnd: number,
    seq: number,
    now: number,
  ): void {
    if (this.pending.count === 0) this.startPending(now);
    this.pending.add(buf, subjectStart, subjectEnd, replyStart, replyEnd, dataStart, dataEnd, seq);
    lane.unsettled++;
    this.perLane[lane.partition]++;
    this.flushIfDue(now);
  }

  /** A gained partition's held deliveries, into the next batch as they came. */
  gather(lane: Lane, held: HeldMessages, now: number): void {
    if (held.count === 0) return;
    if (this.pending.count === 0) this.startPending(now);
    held.gatherInto(this.pending);
    this.perLane[lane.partition] += held.count;
    lane.unsettled += held.count;
    this.flushIfDue(now);
  }

  /** A batch's acks (committed) or naks (redelivered later, or at once when `now` is asked for); undefined when it is not in flight. */
  settle(id: number, committed: boolean, nakNow: boolean): Buffer | undefined {
    const batch = this.release(id);
    if (!batch) return undefined;
    return committed ? batch.acks : repliesWith(batch.acks, nakNow ? '-NAK' : NAK_LATER);
  }

  /** A batch settled, taken out of flight whole (its ack lines and sequences, for a range ack); undefined when it is not in flight. */
  release(id: number): { acks: Buffer; seqs: Float64Array } | undefined {
    const batch = this.inFlight.get(id);
    if (!batch) return undefined;
    this.inFlight.delete(id);
    this.forget(batch.seqs);
    for (let i = 0; i < this.o.lanes.length; i++) this.o.lanes[i].unsettled -= batch.perLane[i];
    this.flushIfDue(Date.now());
    return batch;
  }

  /** Hands the pending messages on when they fill a batch or the oldest has waited long enough, and there is room. */
  flushIfDue(now: number): void {
    if (this.pending.count === 0 || this.full || this.closed) return;
    if (this.pending.count >= this.o.batchSize || now - this.pendingSince >= this.o.maxDelayMs) this.flush();
  }

  /** What was gathered goes on to be committed now (a connection lost: its acks go out on the next one). */
  flush(): void {
    if (this.pending.count === 0 || this.closed) return;
    clearTimeout(this.ageTimer);
    const id = this.nextId++;
    // The consumer's backlog, for a figure to show, as the batch's last ack subject says it: once a batch, not per message.
    const lines = this.pending.acksSoFar();
    const last = lines.lastIndexOf(ACK_HEAD) + ACK_HEAD.length;
    this.pending.pendingAfter = ackPending(lines, last, lines.indexOf(' ', last));
    const { batch, acks } = this.pending.take(id);
    this.inFlight.set(id, { acks, seqs: batch.seqs.slice(), perLane: this.perLane, progressAt: this.pendingProgressAt });
    this.perLane = new Int32Array(this.o.lanes.length);
    this.o.onBatch(batch);
  }

  /** Stops handing batches on; the naks of what was gathered and not handed on (so another engine, or the next start, gets it at once). */
  close(): Buffer | undefined {
    this.closed = true;
    clearTimeout(this.ageTimer);
    if (this.pending.count === 0) return undefined;
    const { acks } = this.pending.take(0);
    return repliesWith(acks, '-NAK');
  }

  /** Tells the server that messages held for a while (a slow commit, a full pipeline) are still being worked on. */
  noteProgress(write: (lines: Buffer) => void, now: number): void {
    for (const batch of this.inFlight.values()) {
      if (now - batch.progressAt < this.o.progressEveryMs) continue;
      write(repliesWith(batch.acks, IN_PROGRESS));
      batch.progressAt = now;
    }
    if (this.pending.count > 0 && now - this.pendingProgressAt >= this.o.progressEveryMs) {
      write(repliesWith(this.pending.acksSoFar(), IN_PROGRESS));
      this.pendingProgressAt = now;
    }
  }

  private startPending(now: number): void {
    this.pendingSince = this.pendingProgressAt = now;
    clearTimeout(this.ageTimer);
    this.ageTimer = setTimeout(() => this.flushIfDue(Date.now()), this.o.maxDelayMs);
  }
}
