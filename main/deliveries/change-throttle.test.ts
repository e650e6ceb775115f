import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChangeThrottle } from './change-throttle';

describe('the change throttle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once, ms after the first change of a burst, and again for the next burst', () => {
    let fired = 0;
    const throttle = new ChangeThrottle(250, () => fired++);
    for (let i = 0; i < 1000; i++) throttle.changed();
    vi.advanceTimersByTime(249);
    expect(fired).toBe(0);
    throttle.changed();
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(1);
    throttle.changed();
    vi.advanceTimersByTime(250);
    expect(fired).toBe(2);
  });

  it('fires nothing once cancelled', () => {
    let fired = 0;
    const throttle = new ChangeThrottle(250, () => fired++);
    throttle.changed();
    throttle.cancel();
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(0);
  });
});
