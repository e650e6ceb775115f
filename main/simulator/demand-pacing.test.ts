import { describe, expect, it } from 'vitest';
import { DemandPacing } from './demand-pacing';

describe('demand pacing', () => {
  it('keeps the rate over looks that each owe a fraction of a request', () => {
    const pacing = new DemandPacing(10, 0);
    // Every 100 ms at 10/s: one request a look, the fractions adding up exactly.
    const due = Array.from({ length: 10 }, (_, i) => pacing.due((i + 1) * 100));
    expect(due.reduce((a, b) => a + b, 0)).toBe(10);
    // At 4/s, a look every 100 ms owes 0.4: nothing, nothing, then one, carried over.
    const slow = new DemandPacing(4, 0);
    expect([100, 200, 300, 400, 500].map((t) => slow.due(t))).toEqual([0, 0, 1, 0, 1]);
  });

  it('owes at most a second’s worth after a stall', () => {
    const pacing = new DemandPacing(10, 0);
    expect(pacing.due(60_000)).toBe(10);
    expect(pacing.due(60_050)).toBe(0);
  });

  it('owes nothing when the clock has not moved', () => {
    const pacing = new DemandPacing(1000, 5000);
    expect(pacing.due(5000)).toBe(0);
  });
});
