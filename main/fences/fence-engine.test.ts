import { describe, expect, it } from 'vitest';
import type { Fence, FenceGeometry } from '../../shared/fence';
import { FenceEngine, type Fix } from './fence-engine';
import { compileShape } from './geometry';

const square: FenceGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ],
    [
      [4, 4],
      [6, 4],
      [6, 6],
      [4, 6],
      [4, 4],
    ],
  ],
};
const fence = (id: string, geometry: FenceGeometry, extra: Partial<Fence> = {}): Fence => ({
  id,
  name: id,
  geometry,
  detect: ['enter', 'exit', 'inside', 'outside', 'cross'],
  targets: [],
  enabled: true,
  version: 1,
  ...extra,
});
let t = 0;
const at = (id: string, lon: number, lat: number): Fix => ({ id, lon, lat, ts: (t += 1000) });
const kinds = (events: { event_type: string; fence_id: string }[]) => events.map((e) => `${e.fence_id}:${e.event_type}`);

describe('shapes, decided as Tile38 decides', () => {
  const s = compileShape(square);
  it('counts a point on an edge, on a vertex, or on a hole’s edge as inside; inside the hole as outside', () => {
    expect(s.contains(5, 0)).toBe(true); // exterior edge
    expect(s.contains(10, 10)).toBe(true); // vertex
    expect(s.contains(5, 4)).toBe(true); // hole edge
    expect(s.contains(4, 4)).toBe(true); // hole vertex
    expect(s.contains(5, 5)).toBe(false); // in the hole
    expect(s.contains(2, 2)).toBe(true);
    expect(s.contains(10.0000001, 5)).toBe(false);
  });
  it('tests a circle by haversine distance to its centre', () => {
    const c = compileShape({ type: 'Circle', center: [13.4, 52.5], radius_m: 1000 });
    // 1 km north is about 0.008993 degrees of latitude.
    expect(c.contains(13.4, 52.5 + 0.00899)).toBe(true);
    expect(c.contains(13.4, 52.5 + 0.009)).toBe(false);
  });
  it('finds a multipolygon’s point in any of its parts, and a segment crossing any part', () => {
    const m = compileShape({
      type: 'MultiPolygon',
      coordinates: [
        square.coordinates,
        [
          [
            [20, 20],
            [21, 20],
            [21, 21],
            [20, 21],
            [20, 20],
          ],
        ],
      ],
    });
    expect(m.contains(20.5, 20.5)).toBe(true);
    expect(m.contains(15, 15)).toBe(false);
    expect(m.crossedBy(19, 20.5, 22, 20.5)).toBe(true);
    expect(m.crossedBy(12, 12, 19, 19)).toBe(false);
  });
  it('does not call a move inside the hole a crossing, but a move from the hole to outside is one', () => {
    expect(s.crossedBy(4.5, 5, 5.5, 5)).toBe(false);
    expect(s.crossedBy(5, 5, 15, 5)).toBe(true);
  });
});

describe('the engine', () => {
  it('first fix inside → enter + inside; first fix outside → outside; then exit, cross, enter in Tile38 order', () => {
    const e = new FenceEngine([fence('sq', square)]);
    expect(kinds(e.update([at('a', 2, 2)]))).toEqual(['sq:enter', 'sq:inside']);
    expect(kinds(e.update([at('b', 20, 2)]))).toEqual(['sq:outside']);
    expect(kinds(e.update([at('a', 3, 2)]))).toEqual(['sq:inside']);
    expect(kinds(e.update([at('a', 20, 2)]))).toEqual(['sq:exit', 'sq:outside']);
    expect(kinds(e.update([at('b', -20, 2)]))).toEqual(['sq:cross', 'sq:outside']);
    expect(kinds(e.update([at('b', 5, 5)]))).toEqual(['sq:cross', 'sq:outside']); // over the ring into the hole
    expect(kinds(e.update([at('b', 5.5, 5.5)]))).toEqual(['sq:outside']); // about the hole
  });

  it('tests only the fences Tile38 would: those near the fix, or detecting outside or cross', () => {
    const e = new FenceEngine([
      fence('near', square, { detect: ['enter', 'exit'] }),
      fence('far', { type: 'Rectangle', bbox: [50, 50, 51, 51] }, { detect: ['enter', 'exit'] }),
    ]);
    expect(kinds(e.update([at('a', 2, 2), at('a', 60, 60), at('a', 50.5, 50.5)]))).toEqual(['near:enter', 'near:exit', 'far:enter']);
  });

  it('fires dwell once after dwell_s inside, on the clock or on the next fix, and again after re-entry', () => {
    const e = new FenceEngine([fence('sq', square, { detect: ['enter', 'exit', 'dwell'], dwell_s: 60 })]);
    expect(kinds(e.update([{ id: 'a', lon: 2, lat: 2, ts: 0 }]))).toEqual(['sq:enter']);
    expect(e.tick(59_999)).toEqual([]);
    const [dwell] = e.tick(60_000);
    expect(dwell).toMatchObject({ event_type: 'dwell', fence_id: 'sq', device_id: 'a', timestamp: 60_000, position: { lon: 2, lat: 2 } });
    expect(e.tick(120_000)).toEqual([]);
    expect(
      kinds(
        e.update([
          { id: 'a', lon: 20, lat: 2, ts: 130_000 },
          { id: 'a', lon: 2, lat: 2, ts: 140_000 },
          { id: 'a', lon: 3, lat: 2, ts: 200_000 },
        ]),
      ),
    ).toEqual(['sq:exit', 'sq:enter', 'sq:dwell']);
  });

  it('gives a synthetic exit when a fence is deleted, disabled or shrunk away from a device inside it', () => {
    const e = new FenceEngine([fence('sq', square), fence('other', { type: 'Rectangle', bbox: [0, 0, 3, 3] })]);
    e.update([at('a', 2, 2), at('b', 8, 8)]);
    // An edit that keeps device a inside changes nothing; one that leaves b outside exits b.
    const shrunk = fence('sq', { type: 'Rectangle', bbox: [0, 0, 3, 3] }, { version: 2 });
    expect(kinds(e.setFences([shrunk, fence('other', { type: 'Rectangle', bbox: [0, 0, 3, 3] })], 99)).sort()).toEqual(['sq:exit']);
    expect(e.setFences([{ ...shrunk, enabled: false }], 100).map((x) => [x.fence_id, x.device_id, x.event_type, x.timestamp])).toEqual([
      ['sq', 'a', 'exit', 100],
      ['other', 'a', 'exit', 100],
    ]);
    expect(e.fenceCount).toBe(0);
  });
});
