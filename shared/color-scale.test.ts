import { describe, expect, it } from 'vitest';
import { THERMAL, VIRIDIS, colorAt, colorLut, legendTicks, scaleIndex, legendStops, scaleMapper } from './color-scale';

describe('colour scales', () => {
  it('hits the thermal stops exactly and interpolates between them', () => {
    expect(colorAt(THERMAL, 0)).toEqual([0, 0, 139, 50]);
    expect(colorAt(THERMAL, 0.6)).toEqual([0, 255, 0, 200]);
    expect(colorAt(THERMAL, 1)).toEqual([255, 0, 0, 255]);
    expect(colorAt(THERMAL, 0.9)).toEqual([255, 128, 0, 238]);
    expect(colorAt(THERMAL, 7)).toEqual([255, 0, 0, 255]);
    expect(colorAt(THERMAL, Number.NaN)).toEqual([0, 0, 139, 50]);
  });

  it('never makes a busier cell more transparent than a quieter one, on every scale', () => {
    for (const stops of [THERMAL, VIRIDIS]) {
      const lut = colorLut(stops);
      expect(lut.length).toBe(1024);
      for (let i = 1; i < 256; i++) expect(lut[i * 4 + 3]).toBeGreaterThanOrEqual(lut[(i - 1) * 4 + 3]);
    }
  });

  it('maps counts on a log scale into 0..255 and labels the legend with increasing whole counts', () => {
    expect(scaleIndex(0, 100)).toBe(0);
    expect(scaleIndex(100, 100)).toBe(255);
    expect(scaleIndex(500, 100)).toBe(255);
    expect(scaleIndex(10, 100)).toBeGreaterThan(scaleIndex(5, 100));
    expect(scaleIndex(3, 0)).toBe(0);
    const ticks = legendTicks(1000);
    expect(ticks[0]).toBe(0);
    expect(ticks[ticks.length - 1]).toBe(1000);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBeGreaterThan(ticks[i - 1]);
    expect(legendTicks(0)).toEqual([0]);
  });
});

describe('scale modes', () => {
  const values = [1, 2, 2, 3, 10, 100];
  it('maps by log, linear and quantile, zero to the bottom and the largest to the top', () => {
    for (const mode of ['log', 'linear', 'quantile'] as const) {
      const f = scaleMapper(mode, values, 100);
      expect([f(0), f(100)]).toEqual([0, 255]);
      expect(f(10)).toBeGreaterThan(f(3));
    }
    expect(scaleMapper('linear', values, 100)(50)).toBe(128);
    // Quantile: half the cells hold 2 or less.
    expect(scaleMapper('quantile', values, 100)(2)).toBe(Math.round((3 / 6) * 255));
  });
  it('gives legend ticks along the bar that match the mapping', () => {
    for (const mode of ['log', 'linear', 'quantile'] as const) {
      const f = scaleMapper(mode, values, 100);
      for (const [value, at] of legendStops(mode, values, 100)) expect(Math.abs(f(value) / 255 - at)).toBeLessThan(mode === 'quantile' ? 0.35 : 0.02);
    }
  });
});
