import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RollResult } from './history-store';
import { RollSchedule } from './roll-schedule';

describe('the roll schedule', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('rolls then applies retention each interval, one roll at a time, and stops', async () => {
    const calls: string[] = [];
    let finish: () => void = () => {};
    const history = {
      roll: (now: number) => {
        calls.push(`roll ${now}`);
        return new Promise<RollResult>((resolve) => (finish = () => resolve({} as RollResult)));
      },
      applyRetention: async (now: number) => (calls.push(`retention ${now}`), 0),
    };
    let now = 0;
    const schedule = new RollSchedule(
      history,
      1000,
      () => now,
      () => {},
    );
    schedule.start();
    now = 1000;
    await vi.advanceTimersByTimeAsync(1000);
    // The roll is still running when the next tick comes: that tick is skipped.
    now = 2000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual(['roll 1000']);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual(['roll 1000', 'retention 1000']);
    now = 3000;
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual(['roll 1000', 'retention 1000', 'roll 3000']);
    finish();
    schedule.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toEqual(['roll 1000', 'retention 1000', 'roll 3000', 'retention 3000']);
  });

  it('says when a roll fails, and rolls again at the next tick', async () => {
    const lines: string[] = [];
    let rolls = 0;
    const history = {
      roll: async () => {
        rolls++;
        throw new Error('disk full');
      },
      applyRetention: async () => 0,
    };
    const schedule = new RollSchedule(
      history,
      1000,
      () => 0,
      (line) => lines.push(line),
    );
    schedule.start();
    await vi.advanceTimersByTimeAsync(2000);
    schedule.stop();
    expect(rolls).toBe(2);
    expect(lines).toEqual(['history: roll failed: disk full', 'history: roll failed: disk full']);
  });
});
