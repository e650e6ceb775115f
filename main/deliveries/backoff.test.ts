import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffBoundsMs, backoffDelayMs, parseRetryAfter } from './backoff';

describe('backoff schedule', () => {
  it('is 5, 10, 20, 40, 80 s at its midpoint, and repeats the last step', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, DEFAULT_BACKOFF, 0.5))).toEqual([5000, 10000, 20000, 40000, 80000, 80000]);
  });

  it('stays within ±20 % for any draw', () => {
    for (let n = 1; n <= 5; n++) {
      const [lo, hi] = backoffBoundsMs(n);
      const nominal = DEFAULT_BACKOFF.scheduleS[n - 1] * 1000;
      expect(lo).toBe(nominal * 0.8);
      expect(hi).toBe(nominal * 1.2);
      for (let i = 0; i < 200; i++) {
        const d = backoffDelayMs(n);
        expect(d).toBeGreaterThanOrEqual(lo);
        expect(d).toBeLessThanOrEqual(hi);
      }
    }
  });

  it('spreads retries: draws differ', () => {
    const draws = new Set(Array.from({ length: 50 }, () => backoffDelayMs(3)));
    expect(draws.size).toBeGreaterThan(10);
  });

  it('takes a configured schedule and jitter', () => {
    expect(backoffDelayMs(2, { scheduleS: [1, 3], jitter: 0 }, 0.9)).toBe(3000);
  });
});

describe('Retry-After', () => {
  const now = Date.UTC(2026, 0, 1, 12);
  it('reads delay-seconds', () => expect(parseRetryAfter('7', now)).toBe(7000));
  it('reads an HTTP-date', () => expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000));
  it('treats a date in the past as now', () => expect(parseRetryAfter(new Date(now - 5000).toUTCString(), now)).toBe(0));
  it('caps a huge delay', () => expect(parseRetryAfter('99999999', now)).toBe(3600_000));
  it('ignores junk', () => {
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
