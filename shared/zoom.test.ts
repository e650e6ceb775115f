import { describe, expect, it } from 'vitest';
import { resolutionForZoom, zoomRangeForResolution } from './zoom';

describe('zoom → H3 resolution (heatmap ADR table)', () => {
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
