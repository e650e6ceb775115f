import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF } from './backoff';
import { nextStateOf } from './attempt-outcome';

const settings = { maxAttempts: 5, backoff: DEFAULT_BACKOFF };
const now = 1_000_000;
const noJitter = () => 0.5;

describe('an attempt’s outcome', () => {
  it('completes a delivered item', () => {
    expect(nextStateOf({ attempts: 0, maxAttempts: 5 }, { status: 'success', latencyMs: 3 }, now, settings, noJitter)).toEqual({ status: 'completed' });
  });

  it('retries a failure after its backoff, or after the receiver’s Retry-After', () => {
    expect(nextStateOf({ attempts: 1, maxAttempts: 5 }, { status: 'failed', httpStatus: 500, latencyMs: 3 }, now, settings, noJitter)).toEqual({
      status: 'failed',
      nextAt: now + 10_000,
      error: 'HTTP 500',
    });
    expect(
      nextStateOf({ attempts: 0, maxAttempts: 5 }, { status: 'failed', httpStatus: 429, retryAfterMs: 7000, latencyMs: 3 }, now, settings, noJitter),
    ).toMatchObject({
      status: 'failed',
      nextAt: now + 7000,
    });
  });

  it('starts the backoff again for a requeued item (a second round), while its attempts count on', () => {
    expect(nextStateOf({ attempts: 5, maxAttempts: 10 }, { status: 'timeout', error: 'timed out', latencyMs: 3 }, now, settings, noJitter)).toEqual({
      status: 'failed',
      nextAt: now + 5000,
      error: 'timed out',
    });
  });

  it('sends the last attempt’s failure to the dead letters, and a 410 there at once with its target disabled', () => {
    expect(nextStateOf({ attempts: 4, maxAttempts: 5 }, { status: 'failed', httpStatus: 503, latencyMs: 3 }, now, settings, noJitter)).toEqual({
      status: 'dlq',
      nextAt: now,
      error: 'HTTP 503',
    });
    expect(nextStateOf({ attempts: 0, maxAttempts: 5 }, { status: 'failed', httpStatus: 410, gone: true, latencyMs: 3 }, now, settings, noJitter)).toEqual({
      status: 'dlq',
      nextAt: now,
      error: 'HTTP 410 (target disabled)',
      disableTarget: `the receiver answered 410 Gone at ${new Date(now).toISOString()}`,
    });
  });
});
