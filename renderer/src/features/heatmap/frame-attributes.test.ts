import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { THERMAL, VIRIDIS, colorLut } from '../../../../shared/color-scale';
import { hexToCell } from '../../../../shared/h3-cell';
import { allocateFrame, decodeFrame, sealFrame } from '../../../../shared/heatmap-frame';
import { CenterCache, frameAttributes } from './frame-attributes';

function frameOf(cells: string[], devices: number[], resolution: number) {
  const { buffer, frame } = allocateFrame(cells.length);
  const c = [0, 0];
  cells.forEach((hex, i) => {
    hexToCell(hex, c);
    frame.cellHi[i] = c[0];
    frame.cellLo[i] = c[1];
    frame.devices[i] = devices[i];
    frame.positions[i] = devices[i] * 3;
  });
  Object.assign(frame, { resolution, maxDevices: Math.max(...devices), maxPositions: Math.max(...devices) * 3, windowMs: 60_000, windowEnd: 1 });
  return decodeFrame(sealFrame(buffer, frame));
}

describe('frameAttributes', () => {
  const cells = [latLngToCell(40.7589, -73.9851, 8), latLngToCell(51.5072, -0.1276, 8), latLngToCell(-33.86, 151.2, 8)];
  const lut = colorLut(THERMAL);

  it('puts each cell at its h3 centre as [lon, lat] and colours it by the chosen metric', () => {
    const attrs = frameAttributes(frameOf(cells, [1, 10, 100], 8), 'devices', lut, new CenterCache());
    expect(attrs.count).toBe(3);
    cells.forEach((hex, i) => {
      const [lat, lon] = cellToLatLng(hex);
      expect([attrs.positions[2 * i], attrs.positions[2 * i + 1]]).toEqual([lon, lat]);
    });
    expect(attrs.max).toBe(100);
    expect([...attrs.colors.subarray(8, 12)]).toEqual([255, 0, 0, 255]); // the busiest cell is the hottest colour
    expect(attrs.colors[3]).toBeLessThan(attrs.colors[7]); // and quieter cells more transparent
  });

  it('draws a cell that counts nothing as nothing, and the quietest that counts something in the default colours opaque', () => {
    const attrs = frameAttributes(frameOf(cells, [0, 1, 50], 8), 'devices', colorLut(VIRIDIS), new CenterCache());
    expect(attrs.colors[3]).toBe(0);
    expect(attrs.colors[7]).toBe(255);
  });

  it('computes a centre once per cell across frames', () => {
    const cache = new CenterCache();
    frameAttributes(frameOf(cells, [1, 2, 3], 8), 'positions', lut, cache);
    frameAttributes(frameOf([cells[2], cells[0]], [5, 6], 8), 'positions', lut, cache);
    expect(cache.misses).toBe(3);
    const other = frameOf([latLngToCell(40.7589, -73.9851, 5)], [1], 5);
    const attrs = frameAttributes(other, 'positions', lut, cache);
    expect(cache.misses).toBe(4);
    const [lat, lon] = cellToLatLng(latLngToCell(40.7589, -73.9851, 5));
    expect([...attrs.positions]).toEqual([lon, lat]);
  });
});
