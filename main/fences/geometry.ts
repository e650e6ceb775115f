/**
 * Fence geometry decided exactly as Tile38 decides it (tidwall/geojson 1.4): a point on a polygon's
 * edge or vertex is inside, on a hole's edge is inside too; a circle holds a point when the haversine
 * to its centre is within the radius; `cross` tests the segment between two fixes against the polygon
 * (a circle's 64-step polygon). Same float operations in the same order, so the same answers.
 */
import { goAsin, goAtan2, goCos, goSin } from './go-math';
import { ringAnswerOver, ringAnswersOver, type SubAnswers } from './cell-answer';
import { bandOf, ringBands, type RingBands } from './ring-bands';
import type { FenceGeometry } from '../../shared/fence';
import { circleRing, EARTH_RADIUS_M, rectangleRing, type Trig } from '../../shared/fence-rings';

export interface Box {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** A fence's shape, compiled for testing positions. x is longitude, y latitude. */
export interface Shape extends Box {
  contains(x: number, y: number): boolean;
  /** Whether the segment between two positions touches the shape (Tile38's `cross` test). */
  crossedBy(ax: number, ay: number, bx: number, by: number): boolean;
  /** `contains`' one answer for every point of a closed box, or undefined when it may differ there. */
  answerOver(box: Box): boolean | undefined;
  /** answerOver for each of n × n sub-boxes of `cell` (ringAnswersOver's order): 1 inside, 0 outside, -1 open. */
  answersOver(cell: Box, n: number): SubAnswers;
}

/** A ring as flat coordinates: x0, y0, x1, y1, …; closed (the last position repeats the first). */
interface Ring extends Box {
  xy: Float64Array;
  /** For rings of many edges: the edges by horizontal band of the ring's box (ring-bands.ts). */
  bands?: RingBands;
}

const ON = 2;
const IN = 1;
const OUT = 0;

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
/** The next double above x (Go's math.Nextafter(x, +Inf)). */
function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  u64[0] += x > 0 ? 1n : -1n;
  return f64[0];
}

/** geometry.Segment.Raycast: is the point on the segment, or does a ray to its right cross it? */
function raycast(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  if (ay < by && (py < ay || py > by)) return OUT;
  if (ay > by && (py < by || py > ay)) return OUT;
  if (ay === by) {
    if (ax === bx) return px === ax && py === ay ? ON : OUT;
    if (py === by) {
      if (ax < bx) {
        if (px >= ax && px <= bx) return ON;
      } else if (px >= bx && px <= ax) return ON;
    }
  }
  if (ax === bx && px === bx) {
    if (ay < by) {
      if (py >= ay && py <= by) return ON;
    } else if (py >= by && py <= ay) return ON;
  }
  if ((px - ax) / (bx - ax) === (py - ay) / (by - ay)) return ON;
  while (py === ay || py === by) py = nextUp(py);
  if (ay < by) {
    if (py < ay || py > by) return OUT;
  } else if (py < by || py > ay) return OUT;
  if (ax > bx) {
    if (px >= ax) return OUT;
    if (px <= bx) return IN;
  } else {
    if (px >= bx) return OUT;
    if (px <= ax) return IN;
  }
  if (ay < by) {
    if ((py - ay) / (px - ax) >= (by - ay) / (bx - ax)) return IN;
  } else if ((py - by) / (px - bx) >= (ay - by) / (ax - bx)) return IN;
  return OUT;
}

/** ringContainsPoint: on an edge counts as `allowOnEdge`, otherwise even-odd. */
function ringContains(r: Ring, px: number, py: number, allowOnEdge: boolean): boolean {
  if (px < r.minX || px > r.maxX || py < r.minY || py > r.maxY) return false;
  const xy = r.xy;
  let inside = false;
  const bands = r.bands;
  if (bands && py === py) {
    // Only edges whose y range holds py can be ON or IN (raycast's first tests): those of py's band.
    const b = bandOf(bands, py);
    for (let k = bands.start[b], end = bands.start[b + 1]; k < end; k++) {
      const i = bands.edges[k];
      const res = raycast(px, py, xy[i], xy[i + 1], xy[i + 2], xy[i + 3]);
      if (res === ON) return allowOnEdge;
      if (res === IN) inside = !inside;
    }
    return inside;
  }
  for (let i = 0; i + 3 < xy.length; i += 2) {
    const res = raycast(px, py, xy[i], xy[i + 1], xy[i + 2], xy[i + 3]);
    if (res === ON) return allowOnEdge;
    if (res === IN) inside = !inside;
  }
  return inside;
}

/** geometry.Segment.IntersectsSegment (touching counts). */
function segmentsIntersect(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  if (ay > by) {
    if (cy > dy) {
      if (by > cy || ay < dy) return false;
    } else if (by > dy || ay < cy) return false;
  } else if (cy > dy) {
    if (ay > cy || by < dy) return false;
  } else if (ay > dy || by < cy) return false;
  if (ax > bx) {
    if (cx > dx) {
      if (bx > cx || ax < dx) return false;
    } else if (bx > dx || ax < cx) return false;
  } else if (cx > dx) {
    if (ax > cx || bx < dx) return false;
  } else if (ax > dx || bx < cx) return false;
  if ((ax === cx && ay === cy) || (ax === dx && ay === dy) || (bx === cx && by === cy) || (bx === dx && by === dy)) return true;
  const cmpx = cx - ax;
  const cmpy = cy - ay;
  const rx = bx - ax;
  const ry = by - ay;
  const cmpxr = cmpx * ry - cmpy * rx;
  if (cmpxr === 0) {
    // Collinear: they intersect when they overlap.
    if (!(cx - ax <= 0 !== cx - bx <= 0 || cy - ay <= 0 !== cy - by <= 0)) {
      return raycast(cx, cy, ax, ay, bx, by) === ON || raycast(dx, dy, ax, ay, bx, by) === ON;
    }
    return true;
  }
  const sx = dx - cx;
  const sy = dy - cy;
  const cmpxs = cmpx * sy - cmpy * sx;
  const rxs = rx * sy - ry * sx;
  if (rxs === 0) return false;
  const rxsr = 1 / rxs;
  const t = cmpxs * rxsr;
  const u = cmpxr * rxsr;
  return t >= 0 && t <= 1 && u >= 0 && u <= 1;
}

const boxesMeet = (a: Box, b: Box) => !(a.minY > b.maxY || a.maxY < b.minY || a.minX > b.maxX || a.maxX < b.minX);

/** ringIntersectsSegment with allowOnEdge: an end inside, or the segment passing over two edges. */
function ringMeetsSegment(r: Ring, ax: number, ay: number, bx: number, by: number): boolean {
  const seg = { minX: Math.min(ax, bx), minY: Math.min(ay, by), maxX: Math.max(ax, bx), maxY: Math.max(ay, by) };
  if (!boxesMeet(r, seg)) return false;
  if (ringContains(r, ax, ay, true) || ringContains(r, bx, by, true)) return true;
  const xy = r.xy;
  let count = 0;
  for (let i = 0; i + 3 < xy.length && count < 2; i += 2) {
    const ex0 = xy[i];
    const ey0 = xy[i + 1];
    const ex1 = xy[i + 2];
    const ey1 = xy[i + 3];
    // ring.Search(seg.Rect()) visits only edges whose box meets the segment's.
    if (Math.min(ex0, ex1) > seg.maxX || Math.max(ex0, ex1) < seg.minX || Math.min(ey0, ey1) > seg.maxY || Math.max(ey0, ey1) < seg.minY) continue;
    if (segmentsIntersect(ax, ay, bx, by, ex0, ey0, ex1, ey1)) count++;
  }
  return count >= 2;
}

/** ringContainsLine for a hole (no edge allowed): both ends strictly inside, no edge touched. */
function holeHoldsSegment(r: Ring, ax: number, ay: number, bx: number, by: number): boolean {
  if (!ringContains(r, ax, ay, false) || !ringContains(r, bx, by, false)) return false;
  const xy = r.xy;
  for (let i = 0; i + 3 < xy.length; i += 2) if (segmentsIntersect(ax, ay, bx, by, xy[i], xy[i + 1], xy[i + 2], xy[i + 3])) return false;
  return true;
}

function ringOf(positions: readonly (readonly number[])[]): Ring {
  const xy = new Float64Array(positions.length * 2);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  positions.forEach((p, i) => {
    xy[2 * i] = p[0];
    xy[2 * i + 1] = p[1];
    minX = Math.min(minX, p[0]);
    minY = Math.min(minY, p[1]);
    maxX = Math.max(maxX, p[0]);
    maxY = Math.max(maxY, p[1]);
  });
  return { xy, minX, minY, maxX, maxY, bands: ringBands(xy, minY, maxY) };
}

interface Polygon {
  exterior: Ring;
  holes: Ring[];
}

const polygonContains = (p: Polygon, x: number, y: number) => ringContains(p.exterior, x, y, true) && !p.holes.some((h) => ringContains(h, x, y, false));

function polygonMeetsSegment(p: Polygon, ax: number, ay: number, bx: number, by: number): boolean {
  return ringMeetsSegment(p.exterior, ax, ay, bx, by) && !p.holes.some((h) => holeHoldsSegment(h, ax, ay, bx, by));
}

function polygonsShape(polygons: Polygon[]): Shape {
  const box = polygons.reduce<Box>(
    (b, p) => ({
      minX: Math.min(b.minX, p.exterior.minX),
      minY: Math.min(b.minY, p.exterior.minY),
      maxX: Math.max(b.maxX, p.exterior.maxX),
      maxY: Math.max(b.maxY, p.exterior.maxY),
    }),
    { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity },
  );
  return {
    ...box,
    contains:
      // One ring, the common fence: no closure per test.
      polygons.length === 1 && polygons[0].holes.length === 0
        ? (x, y) => ringContains(polygons[0].exterior, x, y, true)
        : (x, y) => {
            for (const p of polygons) if (polygonContains(p, x, y)) return true;
            return false;
          },
    crossedBy: (ax, ay, bx, by) => polygons.some((p) => polygonMeetsSegment(p, ax, ay, bx, by)),
    answerOver: (cell) => {
      let any = false;
      for (const p of polygons) {
        const outer = ringAnswerOver(p.exterior.xy, p.exterior, cell, (x, y) => ringContains(p.exterior, x, y, true));
        if (outer === undefined) return undefined;
        if (!outer) continue;
        let inHole = false;
        for (const h of p.holes) {
          const hole = ringAnswerOver(h.xy, h, cell, (x, y) => ringContains(h, x, y, false));
          if (hole === undefined) return undefined;
          inHole ||= hole;
        }
        any ||= !inHole;
      }
      return any;
    },
    answersOver: (cell, n) => {
      const any = new Int8Array(n * n);
      for (const p of polygons) {
        const outer = ringAnswersOver(p.exterior.xy, p.exterior, cell, n, (x, y) => ringContains(p.exterior, x, y, true));
        const holes = p.holes.map((h) => ringAnswersOver(h.xy, h, cell, n, (x, y) => ringContains(h, x, y, false)));
        for (let k = 0; k < n * n; k++) {
          if (any[k] === -1) continue;
          if (outer[k] === -1) any[k] = -1;
          else if (outer[k] === 1) {
            // answerOver's rule per sub-box: open if any hole is; inside unless some hole holds it.
            let inHole = 0;
            for (const h of holes) inHole = h[k] === -1 || inHole === -1 ? -1 : h[k] === 1 ? 1 : inHole;
            any[k] = inHole === -1 ? -1 : inHole === 1 ? any[k] : 1;
          }
        }
      }
      return any;
    },
  };
}

// geojson's geo package, with Go's sin, cos, asin and atan2 (go-math.ts): bit for bit what Tile38 computes.
const RADIANS = Math.PI / 180;
const TWO_PI_R = 2 * Math.PI * EARTH_RADIUS_M;
const GO_TRIG: Trig = { sin: goSin, cos: goCos, asin: goAsin, atan2: goAtan2 };

function haversine(latA: number, lonA: number, latB: number, lonB: number): number {
  const φ1 = latA * RADIANS;
  const λ1 = lonA * RADIANS;
  const φ2 = latB * RADIANS;
  const λ2 = lonB * RADIANS;
  const sΔφ2 = goSin((φ2 - φ1) / 2);
  const sΔλ2 = goSin((λ2 - λ1) / 2);
  return sΔφ2 * sΔφ2 + goCos(φ1) * goCos(φ2) * sΔλ2 * sΔλ2;
}

/** The 64-step polygon Tile38 uses for a circle wherever it needs one (here: `cross`). */
export function circlePolygon(cx: number, cy: number, radiusM: number, steps = 64): number[][] {
  return circleRing([cx, cy], radiusM, steps, GO_TRIG);
}

function circleShape(cx: number, cy: number, radiusM: number): Shape {
  const sin = goSin((0.5 * (radiusM % TWO_PI_R)) / EARTH_RADIUS_M);
  const limit = sin * sin;
  const poly: Polygon = { exterior: ringOf(circlePolygon(cx, cy, radiusM)), holes: [] };
  // Tile38 files a circle fence under its polygon's box, as here: a fix outside that box is not tested.
  return {
    minX: poly.exterior.minX,
    minY: poly.exterior.minY,
    maxX: poly.exterior.maxX,
    maxY: poly.exterior.maxY,
    contains: (x, y) => haversine(y, x, cy, cx) <= limit,
    crossedBy: (ax, ay, bx, by) => polygonMeetsSegment(poly, ax, ay, bx, by),
    // Haversine answers are not decided per box here: a circle is tested at every fix.
    answerOver: () => undefined,
    answersOver: (_cell, n) => new Int8Array(n * n).fill(-1),
  };
}

/** Compiles a (validated) fence geometry. */
export function compileShape(g: FenceGeometry): Shape {
  switch (g.type) {
    case 'Polygon':
      return polygonsShape([{ exterior: ringOf(g.coordinates[0]), holes: g.coordinates.slice(1).map(ringOf) }]);
    case 'MultiPolygon':
      return polygonsShape(g.coordinates.map((p) => ({ exterior: ringOf(p[0]), holes: p.slice(1).map(ringOf) })));
    case 'Rectangle':
      return polygonsShape([{ exterior: ringOf(rectangleRing(g.bbox)), holes: [] }]);
    case 'Circle':
      return circleShape(g.center[0], g.center[1], g.radius_m);
  }
}
