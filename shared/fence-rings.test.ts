import { describe, expect, it } from 'vitest';
import { circleRing, rectangleRing } from './fence-rings';

describe('fence rings', () => {
  it('closes a rectangle counter-clockwise from its south-west corner', () => {
    expect(rectangleRing([0, 0, 2, 1])).toEqual([
      [0, 0],
      [2, 0],
      [2, 1],
      [0, 1],
      [0, 0],
    ]);
  });

  it('puts a circle’s ring at its radius north, east, south and west, closed', () => {
    const ring = circleRing([0, 0], 1000, 32);
    // 0° to 360° in 32 steps, then the first point again.
    expect(ring).toHaveLength(34);
    expect(ring[0]).toEqual(ring[33]);
    // 1 km is 0.008993° of latitude (and of longitude at the equator).
    expect(ring[8]![1]).toBeCloseTo(0.008993, 5);
    expect(ring[0]![0]).toBeCloseTo(0.008993, 5);
    expect(ring[16]![0]).toBeCloseTo(-0.008993, 5);
    expect(ring[24]![1]).toBeCloseTo(-0.008993, 5);
  });

  it('widens in longitude away from the equator', () => {
    const ring = circleRing([10, 60], 1000, 4);
    // cos 60° = 0.5: twice as many degrees of longitude as of latitude.
    expect(ring[0]![0] - 10).toBeCloseTo(2 * (ring[1]![1] - 60), 5);
  });
});
