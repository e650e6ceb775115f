import { expect, it } from 'vitest';
import { advance, startAt, step } from './playback-clock';

const range = { from: 0, to: 3_600_000 };

it('runs t at its speed, and stops at the end', () => {
  const s = { ...startAt(range), playing: true, speed: 60 };
  expect(s.t).toBe(15 * 60_000);
  expect(advance(s, 1000, range)).toMatchObject({ t: 16 * 60_000, playing: true });
  expect(advance({ ...s, speed: 3600 }, 1000, range)).toMatchObject({ t: 3_600_000, playing: false });
  expect(advance({ ...s, playing: false }, 1000, range).t).toBe(s.t);
});

it('steps by a window, within the range, and pauses', () => {
  const s = { ...startAt(range), playing: true };
  expect(step(s, 1, range)).toMatchObject({ t: 30 * 60_000, playing: false });
  expect(step(s, -1, range).t).toBe(0);
  expect(step(step(s, -1, range), -1, range).t).toBe(0);
  expect(step({ ...s, cumulative: true }, 1, range).t).toBe(16 * 60_000);
});
