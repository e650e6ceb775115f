/** The retry schedule: pure, so the schedule, jitter bounds and Retry-After are tested without a clock. */

export interface BackoffPolicy {
  /** Delay before attempt n+1 after n failures, in seconds; the last repeats (5, 10, 20, 40, 80 by default). */
  scheduleS: readonly number[];
  /** ± fraction of each delay (0.2 = ±20 %). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { scheduleS: [5, 10, 20, 40, 80], jitter: 0.2 };

/**
 * Milliseconds to wait after the `failures`-th failed attempt (1-based). `random` is in [0, 1):
 * 0 gives the low bound, 0.5 the nominal delay.
 */
export function backoffDelayMs(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: number = Math.random()): number {
  const { scheduleS, jitter } = policy;
  if (scheduleS.length === 0) return 0;
  const base = scheduleS[Math.min(Math.max(failures, 1), scheduleS.length) - 1] * 1000;
  return Math.round(base * (1 - jitter + 2 * jitter * random));
}

/** The bounds `backoffDelayMs` stays within for the `failures`-th failure. */
export function backoffBoundsMs(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): [number, number] {
  return [backoffDelayMs(failures, policy, 0), backoffDelayMs(failures, policy, 1)];
}

/**
 * A `Retry-After` header (delay-seconds or an HTTP-date) as milliseconds from `now`; undefined when
 * absent or unreadable. Capped, so a receiver cannot park an item for a year.
 */
export function parseRetryAfter(value: string | null | undefined, now: number, capMs = 3600_000): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, capMs);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(at - now, 0), capMs);
}
