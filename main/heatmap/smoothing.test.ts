import { cellToParent, getPentagons, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellKey, cellToHex, hexToCell, keyToCell } from '../../shared/h3-cell';
import { seededRandom } from '../simulator';
import { RingCache, smoothCells, type Cells } from './smoothing';

const keyOf = (hex: string) => {
  const c = [0, 0];
  hexToCell(hex, c);
  return cellKey(c[0], c[1]);
};
const hexOf = (key: number, res: number) => {
  const c = [0, 0];
  keyToCell(key, res, c);
  return cellToHex(c[0], c[1]);
};

function cellsOf(values: Map<string, [number, number]>): Cells {
  const entries = [...values];
  return {
    keys: Float64Array.from(entries.map(([hex]) => keyOf(hex))),
    positions: Uint32Array.from(entries.map(([, v]) => v[0])),
    devices: Uint32Array.from(entries.map(([, v]) => v[1])),
    count: entries.length,
  };
}

/** Brute force: every cell of every input with positions' ring, gathering its own ring's inputs. */
function bruteForce(input: Map<string, [number, number]>, k: number): Map<string, [number, number]> {
  const want = new Map<string, [number, number]>();
  for (const [hex, [positions]] of input)
    for (const n of positions === 0 ? [] : gridDisk(hex, k)) {
      if (want.has(n)) continue;
      let p = 0;
      let d = 0;
      for (const m of gridDisk(n, k)) {
        p += input.get(m)?.[0] ?? 0;
        d += input.get(m)?.[1] ?? 0;
      }
      want.set(n, [p, d]);
    }
  return want;
}

function smoothed(input: Map<string, [number, number]>, res: number, k: number, rings: RingCache) {
  const out = smoothCells(cellsOf(input), res, k, rings);
  const got = new Map<string, [number, number]>();
  for (let i = 0; i < out.count; i++) got.set(hexOf(out.keys[i], res), [out.positions[i], out.devices[i]]);
  return got;
}

describe('k-ring smoothing', () => {
  it('gives every cell within k rings of the data the total of its own k-ring (checked cell by cell with h3-js)', () => {
    const random = seededRandom(3);
    const res = 9;
    const input = new Map<string, [number, number]>();
    for (let i = 0; i < 300; i++) {
      const hex = cellToParent(latLngToCell(40.75 + random() * 0.05, -73.99 + random() * 0.05, 15), res);
      input.set(hex, [1 + Math.floor(random() * 20), 1 + Math.floor(random() * 5)]);
    }
    // A cell without positions (in the cluster, and alone) spreads nothing.
    input.set(cellToParent(latLngToCell(40.76, -73.98, 15), res), [0, 0]);
    input.set(cellToParent(latLngToCell(41.5, -73.5, 15), res), [0, 0]);
    // Next to a pentagon, rings are short: the cache must not read past them.
    const pentagon = getPentagons(res)[3];
    for (const hex of gridDisk(pentagon, 1)) input.set(hex, [2, 1]);
    // One cache across frames, as the aggregator keeps it: k changes, and so do the cells and their order.
    const rings = new RingCache();
    for (const k of [1, 2, 3, 2]) expect(smoothed(input, res, k, rings)).toEqual(bruteForce(input, k));
    const next = new Map([...input].reverse().slice(40));
    next.set(cellToParent(latLngToCell(40.7, -74.1, 15), res), [7, 3]);
    expect(smoothed(next, res, 2, rings)).toEqual(bruteForce(next, 2));
    const coarser = new Map<string, [number, number]>();
    for (const [hex, [p, d]] of next) {
      const [p0, d0] = coarser.get(cellToParent(hex, 8)) ?? [0, 0];
      coarser.set(cellToParent(hex, 8), [p0 + p, d0 + d]);
    }
    expect(smoothed(coarser, 8, 2, rings)).toEqual(bruteForce(coarser, 2));
  });

  it('leaves the cells as they are at k = 0', () => {
    const cells = cellsOf(new Map([[cellToParent(latLngToCell(1, 2, 15), 8), [5, 2]]]));
    expect(smoothCells(cells, 8, 0, new RingCache())).toBe(cells);
  });
});
