import { describe, expect, it } from 'vitest';
import { surgeMultiplier, supplyDemandRatio } from './surge';

describe('the surge multiplier', () => {
  it('is 5 with no supply, whatever the demand', () => {
    expect(surgeMultiplier(0, 0)).toBe(5);
    expect(surgeMultiplier(0, 1000)).toBe(5);
  });

  it('meets each breakpoint of the curve', () => {
    // demand/supply of 0, 0.5, 1, 1.5, 2 and where the cap is reached (2 + 3 / 0.5 = 8).
    expect(surgeMultiplier(10, 0)).toBe(1);
    expect(surgeMultiplier(10, 5)).toBe(1);
    expect(surgeMultiplier(10, 10)).toBeCloseTo(1.2, 12);
    expect(surgeMultiplier(10, 15)).toBeCloseTo(1.5, 12);
    expect(surgeMultiplier(10, 20)).toBeCloseTo(2.0, 12);
    expect(surgeMultiplier(10, 80)).toBeCloseTo(5.0, 12);
    expect(surgeMultiplier(10, 1000)).toBe(5);
  });

  it('rises along each piece between the breakpoints', () => {
    expect(surgeMultiplier(100, 75)).toBeCloseTo(1.0 + 0.25 * 0.4, 12); // ratio 0.75
    expect(surgeMultiplier(100, 125)).toBeCloseTo(1.2 + 0.25 * 0.6, 12); // 1.25
    expect(surgeMultiplier(100, 175)).toBeCloseTo(1.5 + 0.25 * 1.0, 12); // 1.75
    expect(surgeMultiplier(100, 300)).toBeCloseTo(2.0 + 1.0 * 0.5, 12); // 3
    expect(surgeMultiplier(100, 51)).toBeGreaterThan(1);
  });

  it('never falls as demand rises against the same supply', () => {
    let last = 0;
    for (let d = 0; d <= 1000; d++) {
      const s = surgeMultiplier(97, d);
      expect(s).toBeGreaterThanOrEqual(last);
      last = s;
    }
  });

  it('reports supply per demand with demand floored at 1', () => {
    expect(supplyDemandRatio(10, 0)).toBe(10);
    expect(supplyDemandRatio(10, 4)).toBe(2.5);
  });
});
