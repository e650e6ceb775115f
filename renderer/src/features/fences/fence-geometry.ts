import type { FenceGeometry } from '../../../../shared/fence';
import { circleRing, rectangleRing, round7 } from '../../../../shared/fence-rings';
import { ringSelfIntersection } from '../../../../shared/ring-check';

type Ring = [number, number][];
/** What terra-draw gives and takes: a GeoJSON polygon, and the mode that drew it. */
export interface DrawnFeature {
  geometry: { type: 'Polygon'; coordinates: Ring[] } | { type: string; coordinates: unknown };
  properties: { mode?: unknown; radiusKilometers?: unknown };
}

/**
 * A drawing as the fence it means: a rectangle as its box, a circle as centre and radius (what the
 * engine and Tile38 test exactly, not a polygon approximation), anything else as its polygon.
 */
export function fenceGeometryOf(feature: DrawnFeature): FenceGeometry | undefined {
  if (feature.geometry.type !== 'Polygon') return undefined;
  const rings = (feature.geometry.coordinates as Ring[]).map((r) => r.map(([x, y]) => [round7(x), round7(y)] as [number, number]));
  const outer = rings[0];
  if (!outer || outer.length < 4) return undefined;
  if (feature.properties.mode === 'rectangle' && rings.length === 1) {
    const xs = outer.map((p) => p[0]);
    const ys = outer.map((p) => p[1]);
    return { type: 'Rectangle', bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] };
  }
  if (feature.properties.mode === 'circle' && typeof feature.properties.radiusKilometers === 'number' && rings.length === 1) {
    // terra-draw keeps the radius; the centre is the middle of the ring's box (its points need not be evenly spread).
    const xs = outer.map((p) => p[0]);
    const ys = outer.map((p) => p[1]);
    const lon = (Math.min(...xs) + Math.max(...xs)) / 2;
    const lat = (Math.min(...ys) + Math.max(...ys)) / 2;
    return { type: 'Circle', center: [round7(lon), round7(lat)], radius_m: Math.round(feature.properties.radiusKilometers * 1000 * 10) / 10 };
  }
  return { type: 'Polygon', coordinates: rings };
}

/** A fence's outline as polygons (rings of [lon, lat]), for the map. */
export function fencePolygons(g: FenceGeometry): Ring[][] {
  switch (g.type) {
    case 'Polygon':
      return [g.coordinates as Ring[]];
    case 'MultiPolygon':
      return g.coordinates as Ring[][];
    case 'Rectangle':
      return [[rectangleRing(g.bbox)]];
    case 'Circle':
      return [[closedOnce(circleRing(g.center, g.radius_m).map(([x, y]) => [round7(x), round7(y)] as [number, number]))]];
  }
}

/** A closed ring whose first point stands only at its ends (Tile38's circle comes back to 0° at 360° before it closes). */
function closedOnce(ring: Ring): Ring {
  const [x, y] = ring[0]!;
  let end = ring.length;
  while (end > 1 && ring[end - 1]![0] === x && ring[end - 1]![1] === y) end--;
  return [...ring.slice(0, end), ring[0]!];
}

/** How a saved fence goes back into terra-draw for editing: its polygon, drawn by the mode that suits it. */
export function drawnFeatureOf(g: FenceGeometry): DrawnFeature[] {
  if (g.type === 'Circle')
    return [{ geometry: { type: 'Polygon', coordinates: fencePolygons(g)[0]! }, properties: { mode: 'circle', radiusKilometers: g.radius_m / 1000 } }];
  const mode = g.type === 'Rectangle' ? 'rectangle' : 'polygon';
  // Outer rings only: terra-draw refuses polygons with holes (the draft keeps them, the map draws them), and
  // coordinates with more than its 9 decimals (a reprojected file's 40.820000000000014): 7 are a centimetre.
  return fencePolygons(g).map((rings) => ({
    geometry: { type: 'Polygon', coordinates: [rings[0]!.map(([x, y]) => [round7(x), round7(y)])] },
    properties: { mode },
  }));
}

/** [west, south, east, north] of a fence. */
export function fenceBounds(g: FenceGeometry): [number, number, number, number] {
  const pts = fencePolygons(g).flatMap((p) => p[0] ?? []);
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** Where a fence's label goes: its box's centre (a circle's centre). */
export function fenceCentre(g: FenceGeometry): [number, number] {
  if (g.type === 'Circle') return g.center;
  const [w, s, e, n] = fenceBounds(g);
  return [(w + e) / 2, (s + n) / 2];
}

/** The two edges of a ring that cross, as segments to highlight on the map (the engine's message names the same edges). */
export function crossingEdges(g: FenceGeometry | undefined): [number, number][][] {
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return [];
  const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
  for (const ring of rings as Ring[]) {
    const hit = ringSelfIntersection(ring);
    if (hit) return [hit.a, hit.b].map((i) => [ring[i]!, ring[i + 1]!]);
  }
  return [];
}

/** A distance as people read it on a map: "850 m", "1.24 km", "12.5 km". */
export function formatDistance(m: number): string {
  if (m < 1000) return `${Math.round(m)} m`;
  return `${(m / 1000).toFixed(m < 10_000 ? 2 : 1)} km`;
}

/**
 * A hand-drawn ring simplified (Douglas–Peucker) to the vertices that matter at the scale it was drawn:
 * points within `tolerancePx` of the line through their neighbours go, measured where `project` puts
 * them on screen. A simplification that would make the ring cross itself is refused for a finer one.
 */
export function simplifyRing(ring: Ring, project: (p: [number, number]) => [number, number], tolerancePx = 3): Ring {
  const screen = ring.map(project);
  for (let tol = tolerancePx; tol >= 0.5; tol /= 2) {
    const keep = new Uint8Array(ring.length);
    keep[0] = keep[ring.length - 1] = 1;
    const stack: [number, number][] = [[0, ring.length - 1]];
    while (stack.length) {
      const [a, b] = stack.pop()!;
      let far = -1;
      let farD = tol;
      for (let i = a + 1; i < b; i++) {
        const d = distanceToSegment(screen[i]!, screen[a]!, screen[b]!);
        if (d > farD) [far, farD] = [i, d];
      }
      if (far < 0) continue;
      keep[far] = 1;
      stack.push([a, far], [far, b]);
    }
    const out = ring.filter((_, i) => keep[i]);
    if (out.length >= 4 && !ringSelfIntersection(out)) return out;
  }
  return ring;
}

function distanceToSegment([px, py]: [number, number], [ax, ay]: [number, number], [bx, by]: [number, number]): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  // A closed ring's first and last points coincide: the distance is then to that point.
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
