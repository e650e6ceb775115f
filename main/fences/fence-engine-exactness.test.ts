/**
 * The engine's quick paths (box grid, edge bands, `was` from the last fix's answers) against plain
 * brute force: every fence tested on every fix, every edge of every ring, in exact arithmetic. Positions
 * lie on a grid of eighths, so exact answers exist for points on edges and vertices, which are drawn often.
 */
import { describe, expect, it } from 'vitest';
import type { Detect, Fence, FenceGeometry } from '../../shared/fence';
import type { FenceEvent } from '../../shared/fence-event';
import { detectEvents } from './detect';
import { FenceEngine, type Fix } from './fence-engine';
import { compileShape, type Shape } from './geometry';
import { bandOf, ringBands } from './ring-bands';
import { seededRandom } from '../simulator';

type Pt = [number, number];

const eighth = (v: number) => Math.round(v * 8) / 8;

/** A star-shaped ring (simple before rounding) of k corners on the eighths grid, closed. */
function star(cx: number, cy: number, rMin: number, rMax: number, k: number, random: () => number): Pt[] {
  const ring: Pt[] = [];
  for (let j = 0; j < k; j++) {
    const a = (2 * Math.PI * (j + 0.8 * random())) / k;
    const r = rMin + (rMax - rMin) * random();
    ring.push([eighth(cx + r * Math.cos(a)), eighth(cy + r * Math.sin(a))]);
  }
  ring.push(ring[0]);
  return ring;
}

function randomPolygon(random: () => number, cx: number, cy: number): Pt[][] {
  const size = 1 + 3 * random();
  // Many corners, so rings get edge bands; a hole half the time.
  const outer = star(cx, cy, size * 0.6, size, 6 + Math.floor(random() * 30), random);
  return random() < 0.5 ? [outer] : [outer, star(cx, cy, size * 0.1, size * 0.4, 4 + Math.floor(random() * 16), random)];
}

function randomGeometry(random: () => number): FenceGeometry {
  const cx = eighth(10 * random());
  const cy = eighth(10 * random());
  const kind = random();
  if (kind < 0.5) return { type: 'Polygon', coordinates: randomPolygon(random, cx, cy) };
  if (kind < 0.75) return { type: 'MultiPolygon', coordinates: [randomPolygon(random, cx, cy), randomPolygon(random, eighth(cx + 3), eighth(cy - 2))] };
  if (kind < 0.9) return { type: 'Rectangle', bbox: [cx, cy, eighth(cx + 0.125 + 3 * random()), eighth(cy + 0.125 + 2 * random())] };
  return { type: 'Circle', center: [cx, cy], radius_m: 20_000 + 200_000 * random() };
}

/** Exact on the eighths grid (products of eighths stay exact): on an edge or vertex, or crossing-number odd. */
function ringHolds(ring: readonly Pt[], x: number, y: number): 'on' | boolean {
  let inside = false;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [ax, ay] = ring[i];
    const [bx, by] = ring[i + 1];
    const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    if (cross === 0 && x >= Math.min(ax, bx) && x <= Math.max(ax, bx) && y >= Math.min(ay, by) && y <= Math.max(ay, by)) return 'on';
    // Half-open in y, so a ray through a vertex counts it once.
    if (ay > y !== by > y && (by > ay ? cross > 0 : cross < 0)) inside = !inside;
  }
  return inside;
}

const polygonHolds = (rings: readonly Pt[][], x: number, y: number) => {
  const outer = ringHolds(rings[0], x, y);
  if (outer === false) return false;
  // On a hole's edge counts as inside, as in Tile38.
  return outer === 'on' || rings.slice(1).every((h) => ringHolds(h, x, y) !== true);
};

/** Brute force: every ring of every part, no box, no bands (a circle is the engine's haversine). */
function bruteContains(g: FenceGeometry, x: number, y: number, circle: Shape): boolean {
  switch (g.type) {
    case 'Polygon':
      return polygonHolds(g.coordinates as Pt[][], x, y);
    case 'MultiPolygon':
      return g.coordinates.some((p) => polygonHolds(p as Pt[][], x, y));
    case 'Rectangle':
      return x >= g.bbox[0] && x <= g.bbox[2] && y >= g.bbox[1] && y <= g.bbox[3];
    case 'Circle':
      return circle.contains(x, y);
  }
}

const DETECTS: Detect[][] = [['enter', 'exit'], ['enter', 'exit', 'inside'], ['enter', 'exit', 'dwell'], ['exit'], ['enter', 'exit', 'cross'], ['outside']];

function randomFences(random: () => number, n: number): Fence[] {
  return Array.from({ length: n }, (_, i) => {
    const detect = DETECTS[Math.floor(random() * DETECTS.length)];
    return {
      id: `f${i}`,
      name: `f${i}`,
      geometry: randomGeometry(random),
      detect,
      dwell_s: detect.includes('dwell') ? 30 : undefined,
      targets: [],
      enabled: true,
      version: 1,
    };
  });
}

/** A point often on a corner or an edge (a midpoint lies on the eighths grid's sixteenths: still exact), else anywhere. */
function randomPoint(random: () => number, fences: Fence[]): Pt {
  const g = fences[Math.floor(random() * fences.length)].geometry;
  const r = random();
  if (r < 0.4 && (g.type === 'Polygon' || g.type === 'MultiPolygon')) {
    const rings = (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()) as Pt[][];
    const ring = rings[Math.floor(random() * rings.length)];
    const i = Math.floor(random() * (ring.length - 1));
    if (r < 0.2) return ring[i];
    return [(ring[i][0] + ring[i + 1][0]) / 2, (ring[i][1] + ring[i + 1][1]) / 2];
  }
  return [eighth(-1 + 15 * random()), eighth(-1 + 12 * random())];
}

interface RefDevice {
  x: number;
  y: number;
  inside: Map<string, { since: number; dwelt: boolean }>;
}

/** Tile38's rules done the slow way: every fence looked at for every fix, both fixes tested afresh. */
function bruteEvents(fences: Fence[], fixes: Fix[]): FenceEvent[] {
  const shapes = fences.map((f) => compileShape(f.geometry));
  const detects = fences.map((f) => new Set(f.detect));
  const holds = (i: number, x: number, y: number) => bruteContains(fences[i].geometry, x, y, shapes[i]);
  const inBox = (s: Shape, x: number, y: number) => x >= s.minX && x <= s.maxX && y >= s.minY && y <= s.maxY;
  const devices = new Map<string, RefDevice>();
  const out: FenceEvent[] = [];
  const push = (type: FenceEvent['event_type'], f: Fence, id: string, x: number, y: number, ts: number) =>
    out.push({ event_type: type, fence_id: f.id, device_id: id, position: { lat: y, lon: x }, timestamp: ts, source: 'embedded' });
  for (const fix of fixes) {
    const old = devices.get(fix.id);
    const d = old ?? { x: fix.lon, y: fix.lat, inside: new Map() };
    const touched: number[] = [];
    fences.forEach((f, i) => {
      const s = shapes[i];
      const seg = old && { minX: Math.min(old.x, fix.lon), minY: Math.min(old.y, fix.lat), maxX: Math.max(old.x, fix.lon), maxY: Math.max(old.y, fix.lat) };
      const near =
        f.detect.includes('outside') ||
        inBox(s, fix.lon, fix.lat) ||
        (old && inBox(s, old.x, old.y)) ||
        (seg && f.detect.includes('cross') && !(seg.minX > s.maxX || seg.maxX < s.minX || seg.minY > s.maxY || seg.maxY < s.minY));
      if (!near) return;
      touched.push(i);
      const was = old ? holds(i, old.x, old.y) : undefined;
      const now = holds(i, fix.lon, fix.lat);
      for (const k of detectEvents(was, now, () => s.crossedBy(d.x, d.y, fix.lon, fix.lat), detects[i])) push(k, f, fix.id, fix.lon, fix.lat, fix.ts);
      if (now && !d.inside.has(f.id)) d.inside.set(f.id, { since: fix.ts, dwelt: false });
      else if (!now) d.inside.delete(f.id);
    });
    d.x = fix.lon;
    d.y = fix.lat;
    devices.set(fix.id, d);
    for (const i of touched) {
      const f = fences[i];
      const stay = d.inside.get(f.id);
      if (!stay || stay.dwelt || !f.dwell_s || !f.detect.includes('dwell') || fix.ts < stay.since + f.dwell_s * 1000) continue;
      stay.dwelt = true;
      push('dwell', f, fix.id, d.x, d.y, stay.since + f.dwell_s * 1000);
    }
  }
  return out;
}

/** Devices that mostly step a little (often staying in the same fences) and sometimes jump to a corner or an edge. */
function randomFixes(random: () => number, fences: Fence[], n: number, devices = 40): Fix[] {
  const at = new Map<string, Pt>();
  return Array.from({ length: n }, (_, i) => {
    const id = `d${Math.floor(random() * devices)}`;
    const last = at.get(id);
    const p: Pt = last && random() < 0.6 ? [eighth(last[0] + (random() - 0.5) * 0.75), eighth(last[1] + (random() - 0.5) * 0.75)] : randomPoint(random, fences);
    at.set(id, p);
    return { id, lon: p[0], lat: p[1], ts: i * 1000 };
  });
}

const text = (events: FenceEvent[]) => events.map((e) => `${e.timestamp} ${e.device_id} ${e.fence_id} ${e.event_type}`);

describe('the quick paths against brute force', () => {
  it('decides points on random polygons, holes and multipolygons exactly as the plain rule, on edges and corners too', () => {
    const random = seededRandom(7);
    let onEdge = 0;
    const wrong: string[] = [];
    for (let round = 0; round < 30; round++) {
      const fences = randomFences(random, 10);
      const shapes = fences.map((f) => compileShape(f.geometry));
      for (let k = 0; k < 300; k++) {
        const [x, y] = randomPoint(random, fences);
        fences.forEach((f, i) => {
          if (f.geometry.type === 'Polygon' && ringHolds(f.geometry.coordinates[0] as Pt[], x, y) === 'on') onEdge++;
          const want = bruteContains(f.geometry, x, y, shapes[i]);
          if (shapes[i].contains(x, y) !== want) wrong.push(`${JSON.stringify(f.geometry)} at ${x},${y}: want ${want}`);
        });
      }
    }
    expect(wrong).toEqual([]);
    // The cases that matter most were drawn often enough to mean something.
    expect(onEdge).toBeGreaterThan(500);
  });

  it('files every edge whose y range holds a latitude in that latitude’s band (the bands skip no edge that can answer)', () => {
    const random = seededRandom(3);
    const missed: string[] = [];
    for (let round = 0; round < 300; round++) {
      const ring = star(eighth(10 * random()), eighth(10 * random()), 0.5, 1 + 4 * random(), 12 + Math.floor(random() * 60), random);
      const xy = new Float64Array(ring.flat());
      const ys = ring.map((p) => p[1]);
      const bands = ringBands(xy, Math.min(...ys), Math.max(...ys));
      if (!bands) continue;
      // Each corner's latitude, and random ones (not on the eighths grid) between.
      const probes = [...ys, ...Array.from({ length: 50 }, () => Math.min(...ys) + random() * (Math.max(...ys) - Math.min(...ys)))];
      for (const y of probes) {
        const b = bandOf(bands, y);
        const filed = new Set(bands.edges.subarray(bands.start[b], bands.start[b + 1]));
        for (let i = 0; i + 3 < xy.length; i += 2) {
          if (y >= Math.min(xy[i + 1], xy[i + 3]) && y <= Math.max(xy[i + 1], xy[i + 3]) && !filed.has(i)) missed.push(`edge ${i / 2} at y ${y}`);
        }
      }
    }
    expect(missed).toEqual([]);
  });

  it('answers a whole box at once only where every point of it gets that answer, box corners and edges included', () => {
    const random = seededRandom(11);
    const wrong: string[] = [];
    let decided = 0;
    for (let round = 0; round < 400; round++) {
      const g = randomGeometry(random);
      const shape = compileShape(g);
      const x0 = eighth(-1 + 14 * random());
      const y0 = eighth(-1 + 11 * random());
      const box = { minX: x0, minY: y0, maxX: x0 + 0.125 + eighth(2 * random()), maxY: y0 + 0.125 + eighth(2 * random()) };
      const answer = shape.answerOver(box);
      if (answer === undefined) continue;
      decided++;
      for (let k = 0; k < 60; k++) {
        // Corners and sides of the box often; the sixteenths grid inside it otherwise.
        const x = k % 3 === 0 ? (random() < 0.5 ? box.minX : box.maxX) : box.minX + Math.round(random() * 16 * (box.maxX - box.minX)) / 16;
        const y = k % 3 === 1 ? (random() < 0.5 ? box.minY : box.maxY) : box.minY + Math.round(random() * 16 * (box.maxY - box.minY)) / 16;
        if (bruteContains(g, x, y, shape) !== answer) wrong.push(`${JSON.stringify(g)} over ${JSON.stringify(box)}: ${answer} but not at ${x},${y}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(decided).toBeGreaterThan(100);
  });

  it('answers each sub-box of a split cell only where every point of that sub-box gets the answer', () => {
    const random = seededRandom(12);
    const wrong: string[] = [];
    let decided = 0;
    for (let round = 0; round < 200; round++) {
      const g = randomGeometry(random);
      const shape = compileShape(g);
      const x0 = eighth(-1 + 14 * random());
      const y0 = eighth(-1 + 11 * random());
      const cell = { minX: x0, minY: y0, maxX: x0 + 0.5 + eighth(4 * random()), maxY: y0 + 0.5 + eighth(4 * random()) };
      const n = 4;
      const subs = shape.answersOver(cell, n);
      for (let s = 0; s < n * n; s++) {
        if (subs[s] === -1) continue;
        decided++;
        const w = (cell.maxX - cell.minX) / n;
        const h = (cell.maxY - cell.minY) / n;
        const box = {
          minX: cell.minX + (s % n) * w,
          minY: cell.minY + Math.floor(s / n) * h,
          maxX: cell.minX + ((s % n) + 1) * w,
          maxY: cell.minY + (Math.floor(s / n) + 1) * h,
        };
        for (let k = 0; k < 20; k++) {
          // Corners and sides of the sub-box often (its vertices' latitudes included), the sixty-fourths grid inside it otherwise.
          const x = k % 3 === 0 ? (random() < 0.5 ? box.minX : box.maxX) : box.minX + Math.round(random() * 64 * (box.maxX - box.minX)) / 64;
          const y = k % 3 === 1 ? (random() < 0.5 ? box.minY : box.maxY) : box.minY + Math.round(random() * 64 * (box.maxY - box.minY)) / 64;
          if (bruteContains(g, x, y, shape) !== (subs[s] === 1))
            wrong.push(`${JSON.stringify(g)} over ${JSON.stringify(box)}: ${subs[s]} but not at ${x},${y}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(decided).toBeGreaterThan(1000);
  });

  it.each([1, 2, 3])('gives the events of every fence tested on every fix, in the same order, dwell included (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const fences = randomFences(random, 25);
    const fixes = randomFixes(random, fences, 1000);
    expect(text(new FenceEngine(fences).update(fixes))).toEqual(text(bruteEvents(fences, fixes)));
  });

  it('gives the same events after a checkpoint is loaded into a fresh engine, or the fences are set again', () => {
    const random = seededRandom(99);
    const fences = randomFences(random, 25);
    const fixes = randomFixes(random, fences, 4000);
    const one = new FenceEngine(fences);
    one.update(fixes.slice(0, 2000));
    const whole = text(one.update(fixes.slice(2000)));

    const first = new FenceEngine(fences);
    first.update(fixes.slice(0, 2000));
    const second = new FenceEngine(fences);
    expect(
      second.loadDevices(
        first.exportDevices(() => true),
        first.fenceVersions(),
        2_000_000,
      ),
    ).toEqual([]);
    expect(text(second.update(fixes.slice(2000)))).toEqual(whole);

    const again = new FenceEngine(fences);
    again.update(fixes.slice(0, 2000));
    expect(
      again.setFences(
        fences.map((f) => ({ ...f })),
        2_000_000,
      ),
    ).toEqual([]);
    expect(text(again.update(fixes.slice(2000)))).toEqual(whole);
  });

  it('tests the previous fix against a fence edited in between, as Tile38 would', () => {
    const random = seededRandom(5);
    const fences = randomFences(random, 25).map((f) => ({ ...f, detect: ['enter', 'exit'] as Detect[], dwell_s: undefined }));
    const fixes = randomFixes(random, fences, 4000);
    const edited = fences.map((f, i) => (i % 3 === 0 ? { ...f, geometry: randomGeometry(random), version: 2 } : f));
    const engine = new FenceEngine(fences);
    engine.update(fixes.slice(0, 2000));
    engine.setFences(edited, 2_000_000);
    // Brute force has no memory beyond positions: its events after the edit are the rule's.
    const expected = text(bruteEvents(edited, [...lastFixes(fixes.slice(0, 2000)), ...fixes.slice(2000)]).filter((e) => e.timestamp >= 2_000_000));
    expect(text(engine.update(fixes.slice(2000)))).toEqual(expected);
  });
});

/** Each device's last fix, re-stamped before the rest: what brute force needs to know where devices were. */
function lastFixes(fixes: Fix[]): Fix[] {
  const last = new Map(fixes.map((f) => [f.id, f]));
  return [...last.values()].map((f) => ({ ...f, ts: -1 }));
}
