import { cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellToHex, hexToCell } from '../../shared/h3-cell';
import { decodeFrame } from '../../shared/heatmap-frame';
import { createFleet, seededRandom, stepWalker } from '../simulator';
import { LiveAggregator } from './aggregator';
import { indexPosition } from './h3-index';

const WORLD = { west: -180, south: -90, east: 180, north: 90 };
const T0 = 1_704_067_200_000;

interface Fix {
  id: string;
  ts: number;
  lat: number;
  lon: number;
}

function feed(agg: LiveAggregator, fixes: Fix[]): void {
  const cell = [0, 0];
  for (const f of fixes) {
    indexPosition(f.lat, f.lon, cell);
    agg.add(f.id, f.ts, f.lat, f.lon, cell[0], cell[1]);
  }
}

function frameMap(buf: ArrayBuffer): Map<string, { positions: number; devices: number }> {
  const f = decodeFrame(buf);
  const m = new Map<string, { positions: number; devices: number }>();
  for (let i = 0; i < f.count; i++) m.set(cellToHex(f.cellHi[i], f.cellLo[i]), { positions: f.positions[i], devices: f.devices[i] });
  return m;
}

/**
 * Brute force with h3-js: per cell of `res`, fixes and distinct devices. A coarse cell is the parent of
 * the fix's resolution-15 cell (as the archive's h3_parent) — not always the cell latLngToCell gives at
 * that resolution, since H3 children stick out of their parent's outline.
 */
function expected(fixes: Fix[], res: number): Map<string, { positions: number; devices: number }> {
  const sets = new Map<string, { positions: number; ids: Set<string> }>();
  for (const f of fixes) {
    const c = cellToParent(latLngToCell(f.lat, f.lon, 15), res);
    const e = sets.get(c) ?? { positions: 0, ids: new Set<string>() };
    e.positions++;
    e.ids.add(f.id);
    sets.set(c, e);
  }
  return new Map([...sets].map(([c, e]) => [c, { positions: e.positions, devices: e.ids.size }]));
}

function walk(devices: number, steps: number, radiusKm: number, seed = 7): Fix[] {
  const random = seededRandom(seed);
  const area = { center: [-73.9851, 40.7589] as const, radiusKm };
  const fleet = createFleet(devices, area, 12, 'w', random);
  const fixes: Fix[] = [];
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < devices; i++) {
      stepWalker(fleet, i, 5, area, random);
      fixes.push({ id: fleet.ids[i], ts: T0 + s * 1000 + i, lat: fleet.lat[i], lon: fleet.lon[i] });
    }
  }
  return fixes;
}

describe('LiveAggregator', () => {
  it('counts positions and unique devices per cell exactly as h3-js would, at every resolution up to the kept one', () => {
    const fixes = walk(300, 20, 3);
    const agg = new LiveAggregator({ windowMs: 60_000, bucketMs: 5_000, resolution: 9 });
    feed(agg, fixes);
    const now = T0 + 25_000;
    for (const res of [1, 4, 6, 7, 8, 9]) {
      const got = frameMap(agg.buildFrame({ resolution: res, bounds: WORLD, now, maxCells: 1e6 }));
      expect(got).toEqual(expected(fixes, res));
    }
    const tooFine = decodeFrame(agg.buildFrame({ resolution: 12, bounds: WORLD, now, maxCells: 1e6 }));
    expect(tooFine.resolution).toBe(9); // never finer than what is kept
  });

  it('lets fixes older than the window fall out, and counts fixes that arrive too late', () => {
    const agg = new LiveAggregator({ windowMs: 10_000, bucketMs: 1_000, resolution: 8 });
    feed(agg, [
      { id: 'a', ts: T0, lat: 40.75, lon: -73.98 },
      { id: 'b', ts: T0 + 9_000, lat: 40.75, lon: -73.98 },
      { id: 'c', ts: T0 + 12_000, lat: 48.85, lon: 2.35 },
    ]);
    const frameAt = (now: number) => frameMap(agg.buildFrame({ resolution: 8, bounds: WORLD, now, maxCells: 1e6 }));
    const ny = latLngToCell(40.75, -73.98, 8);
    expect(frameAt(T0 + 9_500).get(ny)).toEqual({ positions: 2, devices: 2 });
    expect(frameAt(T0 + 12_500).get(ny)).toEqual({ positions: 1, devices: 1 }); // a's fix left the window
    expect(frameAt(T0 + 30_000).size).toBe(0);
    feed(agg, [{ id: 'd', ts: T0 - 60_000, lat: 40.75, lon: -73.98 }]);
    expect(agg.late).toBe(1);
    agg.evict(T0 + 15_000);
    expect(agg.stats()).toEqual({ devices: 2, cells: 2 });
  });

  it('counts a device once per cell however often it reports, and in each cell it visited', () => {
    const agg = new LiveAggregator({ windowMs: 60_000, bucketMs: 5_000, resolution: 9 });
    const here = { lat: 40.7589, lon: -73.9851 };
    const there = { lat: 40.7, lon: -74.0 };
    feed(agg, [
      { id: 'a', ts: T0, ...here },
      { id: 'a', ts: T0 + 1, ...here },
      { id: 'a', ts: T0 + 2, ...there },
      { id: 'a', ts: T0 + 3, ...here },
      { id: 'b', ts: T0 + 4, ...here },
    ]);
    const got = frameMap(agg.buildFrame({ resolution: 9, bounds: WORLD, now: T0 + 10, maxCells: 1e6 }));
    expect(got.get(latLngToCell(here.lat, here.lon, 9))).toEqual({ positions: 4, devices: 2 });
    expect(got.get(latLngToCell(there.lat, there.lon, 9))).toEqual({ positions: 1, devices: 1 });
    const coarse = frameMap(agg.buildFrame({ resolution: 3, bounds: WORLD, now: T0 + 10, maxCells: 1e6 }));
    expect(coarse.get(latLngToCell(here.lat, here.lon, 3))).toEqual({ positions: 5, devices: 2 });
  });

  it('sends only the cells inside the viewport, across the antimeridian too', () => {
    const agg = new LiveAggregator({ windowMs: 60_000, bucketMs: 5_000, resolution: 7 });
    feed(agg, [
      { id: 'ny', ts: T0, lat: 40.7589, lon: -73.9851 },
      { id: 'paris', ts: T0, lat: 48.8566, lon: 2.3522 },
      { id: 'fiji', ts: T0, lat: -17.7134, lon: 178.065 },
      { id: 'samoa', ts: T0, lat: -13.759, lon: -172.1046 },
    ]);
    const cells = (bounds: typeof WORLD) => [...frameMap(agg.buildFrame({ resolution: 7, bounds, now: T0, maxCells: 1e6 })).keys()];
    expect(cells({ west: -74.1, south: 40.6, east: -73.9, north: 40.9 })).toEqual([latLngToCell(40.7589, -73.9851, 7)]);
    const pacific = cells({ west: 170, south: -25, east: 190, north: -5 }).sort();
    expect(pacific).toEqual([latLngToCell(-17.7134, 178.065, 7), latLngToCell(-13.759, -172.1046, 7)].sort());
  });

  it("counts a cell evicted under a late fix's visit nowhere once a new cell takes its place", () => {
    const agg = new LiveAggregator({ windowMs: 60_000, bucketMs: 5_000, resolution: 9 });
    const paris = { lat: 48.8566, lon: 2.3522 };
    const tokyo = { lat: 35.6762, lon: 139.6503 };
    // a's late fix in Paris (inside the window) follows its newer one in New York in its track.
    feed(agg, [
      { id: 'a', ts: T0 + 50_000, lat: 40.7589, lon: -73.9851 },
      { id: 'a', ts: T0 + 1_000, ...paris },
    ]);
    agg.evict(T0 + 61_500); // Paris's only fix is out of the window: the cell goes
    feed(agg, [{ id: 'b', ts: T0 + 60_500, ...tokyo }]);
    // A frame at a moment when a's Paris visit is still inside the window: Tokyo is b's alone.
    const got = frameMap(agg.buildFrame({ resolution: 9, bounds: WORLD, now: T0 + 61_000, maxCells: 1e6 }));
    expect(got.get(latLngToCell(tokyo.lat, tokyo.lon, 9))).toEqual({ positions: 1, devices: 1 });
    expect(got.has(latLngToCell(paris.lat, paris.lon, 9))).toBe(false);
  });

  it('keeps the busiest cells when a frame would exceed its cap', () => {
    const agg = new LiveAggregator({ windowMs: 60_000, bucketMs: 5_000, resolution: 9 });
    const fixes: Fix[] = [];
    for (let d = 0; d < 5; d++) fixes.push({ id: `hub-${d}`, ts: T0, lat: 40.7589, lon: -73.9851 });
    for (let i = 0; i < 50; i++) fixes.push({ id: `lone-${i}`, ts: T0, lat: 40.6 + i * 0.01, lon: -74 });
    feed(agg, fixes);
    const f = decodeFrame(agg.buildFrame({ resolution: 9, bounds: WORLD, now: T0, maxCells: 10 }));
    expect(f.count).toBe(10);
    expect(f.maxDevices).toBe(5);
    expect(cellToHex(f.cellHi[0], f.cellLo[0])).toBe(latLngToCell(40.7589, -73.9851, 9));
  });
});

describe('one cell, one device', () => {
  const agg = () => new LiveAggregator({ windowMs: 60_000, bucketMs: 5_000, resolution: 11 });
  const here = { lat: 40.7589, lon: -73.9851 };

  it('gives a cell’s fixes per bucket over the window, oldest first, and its devices', () => {
    const a = agg();
    const fixes: Fix[] = [];
    for (let s = 0; s < 60; s++) fixes.push({ id: `d${s % 3}`, ts: T0 + s * 1000, lat: here.lat, lon: here.lon });
    feed(a, fixes);
    const hex = cellToParent(latLngToCell(here.lat, here.lon, 15), 9);
    const cell = [0, 0];
    hexToCell(hex, cell);
    const s = a.cellSeries(cell[0], cell[1], T0 + 59_999);
    expect(s.resolution).toBe(9);
    expect(s.positions.reduce((x, y) => x + y, 0)).toBe(60);
    expect(s.positions).toEqual(Array(12).fill(5));
    expect(s.devices).toBe(3);
    // A cell nobody visited: nothing.
    hexToCell(cellToParent(latLngToCell(51.5, -0.12, 15), 9), cell);
    expect(a.cellSeries(cell[0], cell[1], T0 + 59_999)).toMatchObject({ devices: 0, positions: Array(12).fill(0) });
  });

  it('follows a device: its cells in order, then where it is now; finds devices by prefix', () => {
    const a = agg();
    const walk: Fix[] = Array.from({ length: 30 }, (_, i) => ({ id: 'courier-7', ts: T0 + i * 1000, lat: here.lat + i * 0.0005, lon: here.lon }));
    feed(a, [...walk, { id: 'courier-12', ts: T0, lat: here.lat, lon: here.lon }, { id: 'van-1', ts: T0, lat: here.lat, lon: here.lon }]);
    const points = a.track('courier-7', T0 + 30_000)!;
    expect(points.at(-1)).toEqual({ ts: walk.at(-1)!.ts, lat: walk.at(-1)!.lat, lon: walk.at(-1)!.lon });
    expect(points.length).toBeGreaterThan(5);
    expect(points.every((p, i) => i === 0 || p.ts >= points[i - 1].ts)).toBe(true);
    expect(a.track('nobody', T0)).toBeUndefined();
    expect(a.devices('COURIER', 10)).toEqual(['courier-12', 'courier-7']);
    expect(a.devices('', 2)).toHaveLength(2);
  });
});
