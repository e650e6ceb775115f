import { describe, expect, it } from 'vitest';
import { SharedConsumerWatch } from './shared-consumer';

describe('SharedConsumerWatch', () => {
  it('stays quiet while this reader gets every delivery, redeliveries included', () => {
    const w = new SharedConsumerWatch();
    w.reset(0, 0);
    for (let d = 1; d <= 1000; d++) w.note(d, d);
    expect(w.shared(1000)).toBe(false);
  });

  it('says so when deliveries keep skipping sequences, and forgets it a minute after they stop', () => {
    const w = new SharedConsumerWatch();
    w.reset(0, 0);
    // Another client takes every other batch of ten.
    for (let d = 1, t = 0; d <= 100; d += d % 10 === 0 ? 11 : 1, t += 10) w.note(d, t);
    expect(w.shared(1000)).toBe(true);
    expect(w.shared(62_000)).toBe(false);
  });

  it('does not count skips just after a reconnect (deliveries to the lost connection’s pulls)', () => {
    const w = new SharedConsumerWatch();
    w.reset(0, 12_000);
    for (const [d, t] of [
      [1, 100],
      [50, 200],
      [90, 300],
      [200, 400],
    ])
      w.note(d, t);
    expect(w.shared(500)).toBe(false);
    for (const [d, t] of [
      [300, 13_000],
      [400, 13_100],
      [500, 13_200],
    ])
      w.note(d, t);
    expect(w.shared(13_300)).toBe(true);
  });
});
