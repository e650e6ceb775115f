import { describe, expect, it } from 'vitest';
import { hexWidthPx, resolutionForScreen, resolutionForZoom, zoomRangeForResolution } from './zoom';

describe('zoom → H3 resolution (the zoom table)', () => {
  it('follows the table: 0–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4, 9–10 → 5, 11–12 → 6, 13+ → 7', () => {
    const table: [number, number][] = [
      [0, 1],
      [1, 1],
      [2, 1],
      [2.9, 1],
      [3, 2],
      [4, 2],
      [5, 3],
      [6, 3],
      [7, 4],
      [8, 4],
      [9, 5],
      [10, 5],
      [11, 6],
      [12, 6],
      [13, 7],
      [14, 7],
    ];
    for (const [zoom, res] of table) expect(resolutionForZoom(zoom, 15)).toBe(res);
  });

  it('goes finer by one resolution per two zoom levels up to the configured maximum', () => {
    expect(resolutionForZoom(15, 15)).toBe(8);
    expect(resolutionForZoom(17, 15)).toBe(9);
    expect(resolutionForZoom(17, 8)).toBe(8);
    expect(resolutionForZoom(22, 9)).toBe(9);
    expect(resolutionForZoom(12, 4)).toBe(4);
  });

  it('names the zoom range each resolution covers, for the legend', () => {
    expect(zoomRangeForResolution(1, 9)).toEqual([0, 2]);
    expect(zoomRangeForResolution(6, 9)).toEqual([11, 12]);
    expect(zoomRangeForResolution(9, 9)).toEqual([17, Infinity]);
    for (let z = 0; z <= 20; z++) {
      const res = resolutionForZoom(z, 9);
      const [first, last] = zoomRangeForResolution(res, 9);
      expect(z).toBeGreaterThanOrEqual(first);
      expect(z).toBeLessThanOrEqual(last);
    }
  });
});

describe('resolutionForScreen', () => {
  it('picks cells about 24 px wide at every zoom, wherever the finest allowed is finer', () => {
    for (let zoom = 3; zoom <= 18; zoom += 0.5) {
      for (const lat of [0, 40.76, 60]) {
        const res = resolutionForScreen(zoom, lat, 15);
        // Neighbouring resolutions differ by √7 in width: the chosen one is within that band around 24 px.
        expect(hexWidthPx(res, zoom, lat)).toBeGreaterThan(24 / Math.sqrt(7));
        expect(hexWidthPx(res, zoom, lat)).toBeLessThan(24 * Math.sqrt(7));
      }
    }
  });
  it('moves by the detail setting and stays within 0…maxRes', () => {
    const base = resolutionForScreen(11, 40.76, 15);
    expect(resolutionForScreen(11, 40.76, 15, 1)).toBe(base + 1);
    expect(resolutionForScreen(11, 40.76, 15, -2)).toBe(base - 2);
    expect(resolutionForScreen(18, 40.76, 9)).toBe(9);
    expect(resolutionForScreen(0, 0, 15, -5)).toBe(0);
  });
  it('halves the width for each zoom level out', () => {
    expect(hexWidthPx(8, 12, 40) / hexWidthPx(8, 11, 40)).toBeCloseTo(2, 10);
  });
});
