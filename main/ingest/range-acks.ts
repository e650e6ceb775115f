import type { Config } from '../config';
import { ackDeliverySequence, type NatsSocket } from '../nats';
import type { ConsumerInfo } from './jetstream-setup';

/** Where a consumer's acks stand, as the server says: its ack floor, the last stream sequence it delivered, and how many since the floor await an ack. */
export interface AckStall {
  floor: number;
  delivered: number;
  ackPending: number;
}

/** A `CONSUMER.INFO` reply's ack floor, delivered sequence and pending acks; undefined when it lacks one (an error). */
export function ackStallOf(reply: Buffer): AckStall | undefined {
  const info = JSON.parse(reply.toString('utf8')) as ConsumerInfo;
  const [floor, delivered, ackPending] = [info.ack_floor?.stream_seq, info.delivered?.stream_seq, info.num_ack_pending];
  return typeof floor === 'number' && typeof delivered === 'number' && typeof ackPending === 'number' ? { floor, delivered, ackPending } : undefined;
}

/** Where the consumer's acks stand, asked over the reader's connection; undefined when it does not say in time. */
export function whereAcksStand(socket: NatsSocket, nats: Pick<Config['nats'], 'stream' | 'consumer'>, timeoutMs: number): Promise<AckStall | undefined> {
  return socket
    .request(`$JS.API.CONSUMER.INFO.${nats.stream}.${nats.consumer}`, '', timeoutMs)
    .then(ackStallOf)
    .catch(() => undefined);
}

/** A committed batch's ack lines (`PUB <reply> 0\r\n\r\n`, one per sequence, in the same order). */
interface Kept {
  acks: Buffer;
  seqs: Float64Array;
  max: number;
}

const LINE_END = Buffer.from('\r\n\r\n');

/**
 * Acks for a consumer with ack policy "all", where one ack covers every stream sequence up to its own:
 * committed batches are kept until an ack covers them, and the caller says how far the ack may reach
 * (`upTo`: every sequence up to it is committed or below the consumer's ack floor), so no ack passes a
 * message delivered and not committed, or never seen. One line goes out per advance. The server
 * ignores an ack whose delivery is not later than the last one acked (a redelivery's is), so the line
 * is the reachable one with the highest sequence among those delivered after it.
 */
export class RangeAcks {
  /** The highest stream sequence an ack has covered, and that ack's consumer (delivery) sequence. */
  private acked = 0;
  private ackedDelivery = 0;
  private kept: Kept[] = [];
  /** Since when batches have been kept with no ack going further (0: none kept), and how far acks had gone then. */
  private waitingSince = 0;
  private waitingAt = 0;

  /** Batches kept for a later ack (their sequences are not covered yet). */
  get keptCount(): number {
    return this.kept.length;
  }

  /**
   * Whether to ask the consumer where its acks stand: batches have been kept for `ms` with no ack going
   * further (a hole before them: a message not committed yet, or one deleted before it was delivered),
   * and no one asked in the last `ms`. Called every few ms with the time.
   */
  dueToAsk(now: number, ms: number): boolean {
    if (this.kept.length === 0) return ((this.waitingSince = 0), false);
    if (this.waitingSince === 0 || this.waitingAt !== this.acked) {
      this.waitingSince = now;
      this.waitingAt = this.acked;
      return false;
    }
    if (now - this.waitingSince < ms) return false;
    this.waitingSince = now;
    return true;
  }

  /** The consumer's ack floor as the server says it: nothing up to it needs an ack. */
  floor(seq: number, delivery: number): void {
    this.ackedDelivery = Math.max(this.ackedDelivery, delivery);
    if (seq <= this.acked) return;
    this.acked = seq;
    this.kept = this.kept.filter((k) => k.max > seq);
  }

  /** A batch committed; the one ack line that covers as much up to `upTo` as it can, or undefined when none advances. */
  committed(acks: Buffer, seqs: Float64Array, upTo: number): Buffer | undefined {
    let max = 0;
    for (let i = 0; i < seqs.length; i++) if (seqs[i] > max) max = seqs[i];
    if (max > this.acked) this.kept.push({ acks, seqs, max });
    if (upTo <= this.acked) return undefined;
    // Most often the reachable delivery with the highest sequence is the latest: no list, no sort.
    let best: Kept | undefined;
    let bestAt = -1;
    for (const kept of this.kept)
      for (let at = 0; at < kept.seqs.length; at++) {
        const seq = kept.seqs[at];
        if (seq <= upTo && seq > this.acked && (!best || seq > best.seqs[bestAt])) {
          best = kept;
          bestAt = at;
        }
      }
    if (!best) return undefined;
    const line = this.ackIfLater(best, bestAt);
    if (line) return line;
    // After a redelivery: the reachable ones by sequence, highest first, until one was delivered later.
    const reach: [Kept, number][] = [];
    for (const kept of this.kept) for (let at = 0; at < kept.seqs.length; at++) if (kept.seqs[at] > this.acked && kept.seqs[at] <= upTo) reach.push([kept, at]);
    reach.sort(([a, i], [b, j]) => b.seqs[j] - a.seqs[i]);
    for (const [kept, at] of reach) {
      const later = this.ackIfLater(kept, at);
      if (later) return later;
    }
    return undefined;
  }

  /** The ack line of `kept`'s `at`-th delivery when the server would take it (delivered after the last one acked); it becomes the floor. */
  private ackIfLater(kept: Kept, at: number): Buffer | undefined {
    const line = lineAt(kept.acks, at);
    const delivery = ackDeliverySequence(line, 4, line.indexOf(' ', 4));
    if (delivery <= this.ackedDelivery) return undefined;
    this.floor(kept.seqs[at], delivery);
    return line;
  }
}

/** The `index`-th ack line of a batch's lines (a copy: the batch's buffer is let go). */
function lineAt(acks: Buffer, index: number): Buffer {
  let start = 0;
  for (let i = 0; i < index; i++) start = acks.indexOf(LINE_END, start) + LINE_END.length;
  return Buffer.from(acks.subarray(start, acks.indexOf(LINE_END, start) + LINE_END.length));
}
