import { describe, expect, it } from 'vitest';
import { SeqRanges } from './seq-ranges';

describe('SeqRanges', () => {
  it('answers exactly which sequences are committed, in any order of arrival', () => {
    const r = new SeqRanges();
    r.addAll([1, 2, 3, 7, 8, 5]);
    expect(r.toArray()).toEqual([
      [1, 3],
      [5, 5],
      [7, 8],
    ]);
    expect([0, 1, 3, 4, 5, 6, 8, 9].map((s) => r.has(s))).toEqual([false, true, true, false, true, false, true, false]);
    expect(r.highWater).toBe(3);
    r.addAll([4, 6]);
    expect(r.toArray()).toEqual([[1, 8]]);
    expect(r.highWater).toBe(8);
    expect(r.count).toBe(8);
  });

  it('merges overlapping and adjacent ranges when loaded, and `with` leaves the original alone', () => {
    const r = new SeqRanges([
      [10, 20],
      [1, 5],
      [6, 9],
      [15, 30],
    ]);
    expect(r.toArray()).toEqual([[1, 30]]);
    const next = r.with([32, 31, 40]);
    expect(next.toArray()).toEqual([
      [1, 32],
      [40, 40],
    ]);
    expect(r.toArray()).toEqual([[1, 30]]);
  });

  it('keeps a redelivered old batch from being skipped after newer ones committed (the crash case)', () => {
    const r = new SeqRanges([[1, 100]]);
    r.addAll(Array.from({ length: 100 }, (_, i) => 201 + i)); // newer messages committed first after restart
    expect(r.has(150)).toBe(false); // the redelivered 101..200 must still be processed
    r.addAll(Array.from({ length: 100 }, (_, i) => 101 + i));
    expect(r.toArray()).toEqual([[1, 300]]);
  });

  it('folds in a floor below which everything counts as committed, and merges a partitioned engine’s interleaved sequences in one pass', () => {
    // An engine owning half the partitions commits every other sequence: a range each.
    const mine = Array.from({ length: 20_000 }, (_, i) => 2 * i + 1);
    const r = new SeqRanges().with(mine);
    expect(r.toArray().length).toBe(20_000);
    expect(r.has(3)).toBe(true);
    expect(r.has(4)).toBe(false);
    // The fleet acked everything up to 30,000: those gaps are no one's to fill any more.
    const folded = r.with([40_001], 30_000);
    expect(folded.toArray().slice(0, 2)).toEqual([
      [1, 30_001],
      [30_003, 30_003],
    ]);
    expect(folded.toArray().length).toBe(1 + 4_999 + 1);
    expect(r.toArray().length).toBe(20_000);
  });

  it('counts what it holds between two sequences, and forgets what lies at or below a floor', () => {
    const r = new SeqRanges([
      [1, 39],
      [42, 199],
      [201, 300],
    ]);
    expect(r.countIn(39, 300)).toBe(258);
    expect(r.countIn(0, 300)).toBe(297);
    expect(r.countIn(100, 150)).toBe(50);
    expect(r.countIn(300, 400)).toBe(0);
    expect(r.above(100).toArray()).toEqual([
      [101, 199],
      [201, 300],
    ]);
    expect(r.above(200).toArray()).toEqual([[201, 300]]);
    expect(r.above(300).toArray()).toEqual([]);
    expect(r.toArray().length).toBe(3);
  });
});
