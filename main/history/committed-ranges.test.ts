import { describe, expect, it } from 'vitest';
import { highWaterOf, mergeRanges, withHighWater } from './committed-ranges';

describe('committed ranges', () => {
  it('merges touching and overlapping ranges', () => {
    expect(
      mergeRanges([
        [7, 9],
        [1, 3],
        [4, 5],
        [8, 12],
        [20, 20],
      ]),
    ).toEqual([
      [1, 5],
      [7, 12],
      [20, 20],
    ]);
  });

  it('reads the high-water mark from the first range and adds one', () => {
    expect(highWaterOf([])).toBe(0n);
    expect(
      highWaterOf([
        [1, 5],
        [7, 9],
      ]),
    ).toBe(5n);
    expect(withHighWater([[7, 9]], 6n)).toEqual([[1, 9]]);
    expect(withHighWater([], 0n)).toEqual([]);
  });
});
