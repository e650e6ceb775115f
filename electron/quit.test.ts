import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { quitAfter, type QuitOutcome } from './quit';

describe('quitAfter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** Settles what it can in `ms` of fake time; undefined while quitAfter still waits. */
  async function after(p: Promise<QuitOutcome>, ms: number): Promise<QuitOutcome | undefined> {
    let result: QuitOutcome | undefined;
    void p.then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(ms);
    return result;
  }

  it('waits for a slow stop that finishes in time', async () => {
    const p = quitAfter(() => new Promise<void>((resolve) => setTimeout(resolve, 4_000)), 10_000);
    expect(await after(p, 3_999)).toBeUndefined();
    expect(await after(p, 1)).toEqual({ outcome: 'stopped' });
  });

  it('gives up on a stop that hangs once the time is up, and not before', async () => {
    const p = quitAfter(() => new Promise<void>(() => {}), 10_000);
    expect(await after(p, 9_999)).toBeUndefined();
    expect(await after(p, 1)).toEqual({ outcome: 'timed out' });
  });

  it('says when the stop failed, thrown or rejected', async () => {
    expect(
      await after(
        quitAfter(() => Promise.reject(new Error('queue.sqlite is locked')), 10_000),
        0,
      ),
    ).toEqual({
      outcome: 'failed',
      error: new Error('queue.sqlite is locked'),
    });
    const throws = () => {
      throw new Error('not started');
    };
    expect(await after(quitAfter(throws, 10_000), 0)).toMatchObject({ outcome: 'failed', error: { message: 'not started' } });
  });
});
