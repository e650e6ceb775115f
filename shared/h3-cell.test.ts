import { cellToParent, getResolution, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellKey, cellParent, cellResolution, cellToBigInt, cellToHex, hexToCell, keyToCell } from './h3-cell';

const places: [number, number][] = [
  [40.7589, -73.9851], // Manhattan
  [-33.8688, 151.2093], // Sydney
  [64.1466, -21.9426], // Reykjavík
  [0.0001, 179.9999], // by the antimeridian
  [-89.9, 0], // near the south pole
  [35.6762, 139.6503],
];

describe('H3 cells as hi/lo halves', () => {
  it('derives every coarser parent by bit operations exactly as h3-js does', () => {
    const cell = [0, 0];
    const parent = [0, 0];
    for (const [lat, lon] of places) {
      const hex15 = latLngToCell(lat, lon, 15);
      hexToCell(hex15, cell);
      expect(cellToHex(cell[0], cell[1])).toBe(hex15);
      expect(cellResolution(cell[0])).toBe(15);
      for (let r = 0; r <= 15; r++) {
        cellParent(cell[0], cell[1], r, parent);
        expect(cellToHex(parent[0], parent[1])).toBe(cellToParent(hex15, r));
        expect(getResolution(cellToHex(parent[0], parent[1]))).toBe(r);
      }
    }
  });

  it('packs a cell into one safe integer key and back, at every resolution', () => {
    const cell = [0, 0];
    const back = [0, 0];
    for (const [lat, lon] of places) {
      for (let r = 0; r <= 15; r++) {
        hexToCell(latLngToCell(lat, lon, r), cell);
        const key = cellKey(cell[0], cell[1]);
        expect(Number.isSafeInteger(key)).toBe(true);
        keyToCell(key, r, back);
        expect(back).toEqual(cell);
      }
    }
  });

  it('gives the UBIGINT the archive stores', () => {
    const cell = [0, 0];
    const hex = latLngToCell(40.7589, -73.9851, 15);
    hexToCell(hex, cell);
    expect(cellToBigInt(cell[0], cell[1])).toBe(BigInt(`0x${hex}`));
  });
});
