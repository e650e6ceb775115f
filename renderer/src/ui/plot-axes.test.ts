import { describe, expect, it } from 'vitest';
import { categoryAxis, shortLabel, timeStep, topCategories } from './plot-axes';

describe('a category axis', () => {
  const ids = Array.from({ length: 30 }, (_, i) => `8828308${(0x100 + i).toString(16)}fffff`);

  it('keeps the order given and prints short labels level when they fit', () => {
    const axis = categoryAxis(['walk', 'bike', 'car'], 600);
    expect(axis.domain).toEqual(['walk', 'bike', 'car']);
    expect(axis.ticks).toEqual(['walk', 'bike', 'car']);
    expect(axis.tickRotate).toBe(0);
  });

  it('turns long labels upright, and labels every k-th when even upright ones would touch', () => {
    const wide = categoryAxis(ids.slice(0, 8), 600);
    expect(wide.tickRotate).toBe(-90);
    expect(wide.ticks).toEqual(ids.slice(0, 8));
    const narrow = categoryAxis(ids, 300);
    expect(narrow.tickRotate).toBe(-90);
    // 10 px a band, 15 px a label: every second one.
    expect(narrow.ticks).toEqual(ids.filter((_, i) => i % 2 === 0));
    expect(narrow.marginBottom).toBeGreaterThan(15 * 6.8);
  });

  it('cuts very long labels with an ellipsis', () => {
    expect(shortLabel('a'.repeat(40))).toHaveLength(22);
    expect(shortLabel('a'.repeat(40)).endsWith('…')).toBe(true);
    expect(shortLabel('short')).toBe('short');
  });
});

describe('the categories a chart holds', () => {
  it('keeps the largest totals, in the order they came', () => {
    const rows = [
      { c: 'a', n: 1 },
      { c: 'b', n: 9 },
      { c: 'c', n: 5 },
      { c: 'b', n: 1 },
      { c: 'd', n: 7 },
    ];
    expect(
      topCategories(
        rows,
        (r) => r.c,
        (r) => r.n,
        2,
      ),
    ).toEqual({ shown: ['b', 'd'], of: 4 });
    expect(
      topCategories(
        rows,
        (r) => r.c,
        (r) => r.n,
        10,
      ),
    ).toEqual({ shown: ['a', 'b', 'c', 'd'], of: 4 });
  });
});

it('finds the step of a time series', () => {
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  expect(timeStep([t(0), t(120), t(60), t(60)])).toBe(60_000);
  expect(timeStep([t(0)])).toBe(60_000);
});
