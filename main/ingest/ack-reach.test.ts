import { describe, expect, it } from 'vitest';
import { SeqRanges } from '../history';
import { AckReach } from './ack-reach';

describe('how far a range ack may reach', () => {
  it('reaches the end of the committed run from the stream’s start, and no further', () => {
    const reach = new AckReach();
    expect(reach.upTo(new SeqRanges([[1, 39]]))).toBe(39);
    expect(
      reach.upTo(
        new SeqRanges([
          [1, 39],
          [42, 300],
        ]),
      ),
    ).toBe(39);
    expect(reach.upTo(new SeqRanges([[5, 9]]))).toBe(0);
  });

  it('passes a hole of deleted messages once as many deliveries past the floor are committed as the consumer has pending', () => {
    const reach = new AckReach();
    // 1–300 published, 40, 41 and 200 deleted before delivery; 1–39 acked.
    const seqs = Array.from({ length: 300 }, (_, i) => i + 1).filter((s) => ![40, 41, 200].includes(s));
    reach.delivered(Float64Array.from(seqs));
    const committed = new SeqRanges().with(seqs);
    const filled = reach.prove({ floor: 39, delivered: 300, ackPending: 258 }, committed);
    expect(filled?.toArray()).toEqual([[1, 300]]);
    expect(reach.upTo(filled!)).toBe(300);
  });

  it('does not pass a hole while a delivered message is not committed here (a batch that failed, one a killed engine held)', () => {
    const reach = new AckReach();
    // 1–100 delivered; 50 was not committed (it will come again): 61 pending past floor 39, 60 committed.
    const seqs = Array.from({ length: 100 }, (_, i) => i + 1).filter((s) => s !== 50);
    reach.delivered(Float64Array.from(seqs));
    expect(reach.prove({ floor: 39, delivered: 100, ackPending: 61 }, new SeqRanges().with(seqs))).toBeUndefined();
  });

  it('counts only what was delivered, not a hole filled before: a floor the server has not moved yet proves nothing twice', () => {
    const reach = new AckReach();
    reach.delivered(Float64Array.from([1, 2, 3, 10]));
    // 4–9 deleted: proved, filled.
    const first = reach.prove({ floor: 0, delivered: 10, ackPending: 4 }, new SeqRanges().with([1, 2, 3, 10]))!;
    expect(first.toArray()).toEqual([[1, 10]]);
    // 11 and 13 delivered, 12 not committed yet; the ack covering 10 not seen by the server yet (floor still 3).
    reach.delivered(Float64Array.from([11, 13]));
    const committed = first.with([11, 13]);
    // Pending past 3: 10, 11, 12, 13. Counting the filled 4–9 would make 10 and pass 12.
    expect(reach.prove({ floor: 3, delivered: 13, ackPending: 4 }, committed)).toBeUndefined();
    reach.delivered(Float64Array.from([12]));
    expect(reach.prove({ floor: 3, delivered: 13, ackPending: 4 }, committed.with([12]))?.toArray()).toEqual([[1, 13]]);
  });
});
