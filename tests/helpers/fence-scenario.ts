/**
 * A generated geofencing scenario for differential tests: 20+ fences over Berlin (polygons with holes,
 * a multipolygon, circles, rectangles and triangles sharing edges) and device walks that exercise the
 * edge cases — a first fix inside, fixes on vertices and shared edges, jumps across fences.
 */
import type { Fence, FenceGeometry } from '../../shared/fence';
import type { Fix } from '../../main/fences';
import { seededRandom } from '../../main/simulator';

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

type Ring = [number, number][];

function regular(cx: number, cy: number, r: number, n: number, turn: number): Ring {
  const ring: Ring = [];
  for (let i = 0; i < n; i++) {
    const a = turn + (2 * Math.PI * i) / n;
    ring.push([round6(cx + r * 1.6 * Math.cos(a)), round6(cy + r * Math.sin(a))]);
  }
  ring.push(ring[0]);
  return ring;
}

const ALL: Fence['detect'] = ['enter', 'exit', 'inside', 'outside', 'cross'];

export function fenceScenario(options: { devices?: number; fixesPerDevice?: number; seed?: number } = {}): { fences: Fence[]; fixes: Fix[] } {
  const random = seededRandom(options.seed ?? 7);
  const fences: Fence[] = [];
  const add = (id: string, geometry: FenceGeometry, detect: Fence['detect']) =>
    fences.push({ id, name: id, geometry, detect, targets: [], enabled: true, version: 1 });

  // Ten polygons, every other one with a hole; varied detect lists.
  const detects: Fence['detect'][] = [['enter', 'exit'], ['enter', 'exit', 'cross'], ['enter', 'exit', 'inside'], ['inside', 'outside'], ['cross']];
  for (let i = 0; i < 10; i++) {
    const cx = 13.32 + random() * 0.16;
    const cy = 52.46 + random() * 0.08;
    const r = 0.004 + random() * 0.01;
    const n = 5 + Math.floor(random() * 5);
    const coordinates: Ring[] = [regular(cx, cy, r, n, random())];
    if (i % 2 === 0) coordinates.push(regular(cx, cy, r * 0.4, 4, 0.3).reverse());
    add(`poly-${i}`, { type: 'Polygon', coordinates }, detects[i % detects.length]);
  }
  add(
    'multi',
    {
      type: 'MultiPolygon',
      coordinates: [[regular(13.35, 52.53, 0.006, 6, 0), regular(13.35, 52.53, 0.002, 4, 0.1).reverse()], [regular(13.47, 52.47, 0.005, 7, 0.5)]],
    },
    ALL,
  );
  for (let i = 0; i < 4; i++)
    add(
      `circle-${i}`,
      { type: 'Circle', center: [round6(13.33 + 0.05 * i), round6(52.49 + 0.01 * i)], radius_m: 300 + 400 * i },
      i === 0 ? ALL : ['enter', 'exit', 'cross'],
    );
  // Two rectangles and two triangles sharing an edge.
  add('rect-west', { type: 'Rectangle', bbox: [13.4, 52.5, 13.42, 52.52] }, ['enter', 'exit', 'inside']);
  add('rect-east', { type: 'Rectangle', bbox: [13.42, 52.5, 13.44, 52.52] }, ['enter', 'exit', 'cross']);
  add(
    'tri-a',
    {
      type: 'Polygon',
      coordinates: [
        [
          [13.36, 52.46],
          [13.38, 52.46],
          [13.37, 52.475],
          [13.36, 52.46],
        ],
      ],
    },
    ['enter', 'exit'],
  );
  add(
    'tri-b',
    {
      type: 'Polygon',
      coordinates: [
        [
          [13.38, 52.46],
          [13.37, 52.475],
          [13.39, 52.475],
          [13.38, 52.46],
        ],
      ],
    },
    ['enter', 'exit', 'inside', 'outside'],
  );
  // A concave fence (a U), crossed through its gap.
  add(
    'u-shape',
    {
      type: 'Polygon',
      coordinates: [
        [
          [13.45, 52.52],
          [13.48, 52.52],
          [13.48, 52.545],
          [13.47, 52.545],
          [13.47, 52.53],
          [13.46, 52.53],
          [13.46, 52.545],
          [13.45, 52.545],
          [13.45, 52.52],
        ],
      ],
    },
    ['enter', 'exit', 'cross'],
  );

  const fixes: Fix[] = [];
  const t0 = Date.UTC(2026, 0, 5, 8);
  const devices = options.devices ?? 200;
  const per = options.fixesPerDevice ?? 50;
  for (let step = 0; step < per; step++) {
    for (let d = 0; d < devices; d++) {
      const prev = fixes.length >= devices ? fixes[fixes.length - devices] : undefined;
      let lon = prev ? prev.lon : 13.31 + random() * 0.18;
      let lat = prev ? prev.lat : 52.45 + random() * 0.1;
      const jump = random() < 0.1 ? 8 : 1;
      lon = round6(Math.min(13.5, Math.max(13.3, lon + (random() - 0.5) * 0.006 * jump)));
      lat = round6(Math.min(52.56, Math.max(52.44, lat + (random() - 0.5) * 0.004 * jump)));
      fixes.push({ id: `dev-${d}`, lon, lat, ts: t0 + step * 10_000 + d });
    }
  }
  // The edge cases, by hand.
  const special = (id: string, path: number[][]) => path.forEach(([lon, lat], i) => fixes.push({ id, lon, lat, ts: t0 + per * 10_000 + i * 1000 }));
  special('first-inside', [
    [13.41, 52.51],
    [13.43, 52.51],
    [13.45, 52.51],
  ]);
  special('on-vertex', [
    [13.4, 52.5],
    [13.42, 52.51],
    [13.44, 52.52],
    [13.38, 52.46],
    [13.37, 52.475],
  ]);
  special('crosser', [
    [13.39, 52.51],
    [13.45, 52.51],
    [13.39, 52.505],
    [13.465, 52.54],
    [13.465, 52.515],
  ]);
  const hole = (fences[0].geometry as { coordinates: number[][][] }).coordinates[1][0];
  special('into-hole', [
    [13.3, 52.44],
    [hole[0] - 0.0001, hole[1]],
    [hole[0], hole[1]],
    [13.5, 52.56],
  ]);
  return { fences, fixes };
}
