import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { PeriodicPass } from './periodic-pass';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it('waits twice as long after each failure, logs a failure once while it stays the same, and clears it on success', async () => {
  const outcomes = ['down', 'down', 'refused', 'ok', 'ok'];
  const started: number[] = [];
  const lines: string[] = [];
  const passes = new PeriodicPass({
    intervalMs: 1000,
    pass: async () => {
      started.push(Date.now());
      const outcome = outcomes.shift();
      if (outcome !== 'ok') throw new Error(outcome);
    },
    describe: (err) => `the store: ${err.message}`,
    log: (line) => lines.push(line),
  });
  const t0 = Date.now();
  passes.start();
  await vi.advanceTimersByTimeAsync(0);
  expect(passes.error).toBe('the store: down');
  await vi.advanceTimersByTimeAsync(2000);
  await vi.advanceTimersByTimeAsync(4000);
  expect(passes.error).toBe('the store: refused');
  await vi.advanceTimersByTimeAsync(8000);
  expect(passes.error).toBeUndefined();
  await vi.advanceTimersByTimeAsync(1000);
  expect(started.map((t) => t - t0)).toEqual([0, 2000, 6000, 14000, 15000]);
  expect(lines).toEqual(['the store: down', 'the store: refused']);
  await passes.stop();
  await vi.advanceTimersByTimeAsync(10_000);
  expect(started).toHaveLength(5);
});

it('runs a pass asked for now after the one under way, never beside it', async () => {
  let inside = 0;
  let most = 0;
  const slow = async () => {
    most = Math.max(most, ++inside);
    await new Promise((resolve) => setTimeout(resolve, 500));
    inside--;
  };
  const passes = new PeriodicPass({ intervalMs: 1000, pass: slow, describe: (err) => err.message, log: () => {} });
  passes.start();
  await vi.advanceTimersByTimeAsync(100);
  const asked = passes.now(async () => {
    await slow();
    return 'done';
  });
  await vi.advanceTimersByTimeAsync(1000);
  expect(await asked).toBe('done');
  expect(most).toBe(1);
  await expect(passes.now(() => Promise.reject(new Error('no bucket')))).rejects.toThrow('no bucket');
  await passes.stop();
});
