import { SeqRanges } from '../history';
import type { AckStall } from './range-acks';

/**
 * How far one ack may reach on a consumer with ack policy "all" (range-acks.ts), from the sequences a
 * reader has committed: the end of the committed run from the stream's start, never past a message
 * delivered and not committed. A message deleted from the stream before it was delivered leaves a hole
 * no delivery fills; `prove` tells such a hole from one still to come.
 */
export class AckReach {
  /** Sequences delivered and committed (not ones filled in below a floor or over a hole), after the consumer's ack floor. */
  private received = new SeqRanges();

  /** A batch's sequences delivered and committed (or already committed, delivered again). */
  delivered(seqs: ArrayLike<number>): void {
    this.received.addAll(seqs);
  }

  /** How far an ack may reach with these sequences committed. */
  upTo(committed: SeqRanges): number {
    return committed.has(1) ? committed.highWater : 0;
  }

  /**
   * The committed sequences with the holes before `stall.delivered` filled, when they hold only deleted
   * messages; undefined when that is not proved. Every message the consumer delivered after its floor and
   * not acked is one of its `ackPending`, and each delivered and committed here is one of them: when as
   * many were committed, all were, and what lies between was deleted before it was delivered.
   */
  prove({ floor, delivered, ackPending }: AckStall, committed: SeqRanges): SeqRanges | undefined {
    this.received = this.received.above(floor);
    if (delivered <= floor || this.received.countIn(floor, delivered) !== ackPending) return undefined;
    return committed.with([], delivered);
  }
}
