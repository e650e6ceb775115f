/**
 * Whether a ring gives every point of a closed box the same answer, decided once per grid cell (or
 * sub-cell) so a fix there needs no edge test at all. Conservative: an edge that comes near the box
 * leaves the answer open.
 */
import type { Box } from './geometry';

/** Far beyond the rounding of raycast's quotients for coordinates within ±180 (about 4e-14). */
const MARGIN = 1e-9;

/** Answers over sub-cells: 1 inside everywhere, 0 outside everywhere, -1 open. */
export type SubAnswers = Int8Array;

/**
 * Whether raycast might misjudge some point through this edge: a horizontal edge so short its
 * collinearity quotient overflows, an edge one float tall (the ray's nudge off a vertex can skip it),
 * or coordinates that are not numbers.
 */
function oddEdge(ax: number, ay: number, bx: number, by: number): boolean {
  if (!(Number.isFinite(ax) && Number.isFinite(ay) && Number.isFinite(bx) && Number.isFinite(by))) return true;
  if (ay === by) return ax !== bx && Math.abs(bx - ax) < 1e-290;
  const lo = Math.min(ay, by);
  const hi = Math.max(ay, by);
  return hi - lo <= Math.abs(lo) * 1e-12 + 1e-300;
}

/** A point's answer from the ring (ringContains): asked once per box, at its middle. */
export type PointAnswer = (x: number, y: number) => boolean;

/**
 * The answer over `box` from the edges listed (offsets into `xy`; every edge when null: the others
 * must miss the box).
 *
 * When no edge comes within MARGIN of the box, every point of it is far from the ring, where raycast's
 * comparisons are exact or far from their rounding, and its nudge off a vertex's latitude is one
 * consistent tie rule: each point's count is then the true crossing parity, one for all of a box the
 * ring does not enter. The box's middle point says which — or `at` itself, the answer of a touching box
 * the ring does not enter either (together one region the ring does not enter).
 */
function answerWith(xy: Float64Array, edges: Int32Array | null, ring: Box, box: Box, at: PointAnswer | boolean): boolean | undefined {
  if (box.minX > ring.maxX || box.maxX < ring.minX || box.minY > ring.maxY || box.maxY < ring.minY) return false;
  const loX = box.minX - MARGIN;
  const hiX = box.maxX + MARGIN;
  const loY = box.minY - MARGIN;
  const hiY = box.maxY + MARGIN;
  const n = edges ? edges.length : xy.length / 2 - 1;
  for (let k = 0; k < n; k++) {
    const i = edges ? edges[k] : 2 * k;
    const ax = xy[i];
    const ay = xy[i + 1];
    const bx = xy[i + 2];
    const by = xy[i + 3];
    // The edge's box misses the grown box.
    if (Math.max(ay, by) < loY || Math.min(ay, by) > hiY || Math.max(ax, bx) < loX || Math.min(ax, bx) > hiX) continue;
    // Or its line leaves all four corners strictly on one side (rounding near a corner can only keep it open).
    const dx = bx - ax;
    const dy = by - ay;
    const s1 = dx * (loY - ay) - dy * (loX - ax);
    const s2 = dx * (loY - ay) - dy * (hiX - ax);
    const s3 = dx * (hiY - ay) - dy * (loX - ax);
    const s4 = dx * (hiY - ay) - dy * (hiX - ax);
    if ((s1 > 0 && s2 > 0 && s3 > 0 && s4 > 0) || (s1 < 0 && s2 < 0 && s3 < 0 && s4 < 0)) continue;
    return undefined;
  }
  const inside = typeof at === 'boolean' ? at : at(box.minX + (box.maxX - box.minX) / 2, box.minY + (box.maxY - box.minY) / 2);
  // ringContains answers false outside the ring's box: one answer only if it is false inside too.
  const within = loX >= ring.minX && hiX <= ring.maxX && loY >= ring.minY && hiY <= ring.maxY;
  return within || !inside ? inside : undefined;
}

/** Whether some edge of the ring is one answerWith's reasoning does not cover. */
function hasOddEdge(xy: Float64Array): boolean {
  for (let i = 0; i + 3 < xy.length; i += 2) if (oddEdge(xy[i], xy[i + 1], xy[i + 2], xy[i + 3])) return true;
  return false;
}

/**
 * `true`/`false`: ringContains' answer (either allowOnEdge: no edge touches the box) for every point of
 * `box`; undefined: it may differ. `xy` is the closed ring, `ring` its box.
 */
export function ringAnswerOver(xy: Float64Array, ring: Box, box: Box, at: PointAnswer): boolean | undefined {
  if (box.minX > ring.maxX || box.maxX < ring.minX || box.minY > ring.maxY || box.maxY < ring.minY) return false;
  return hasOddEdge(xy) ? undefined : answerWith(xy, null, ring, box, at);
}

/**
 * ringAnswerOver for each of n × n equal sub-boxes of `cell` (row by row from minX, minY), each clamped
 * to the cell. Only the edges that meet the cell's grown box are looked at per sub-box: one that misses
 * the cell misses every box inside it.
 */
export function ringAnswersOver(xy: Float64Array, ring: Box, cell: Box, n: number, at: PointAnswer): SubAnswers {
  const out = new Int8Array(n * n);
  if (cell.minX > ring.maxX || cell.maxX < ring.minX || cell.minY > ring.maxY || cell.maxY < ring.minY) return out;
  if (hasOddEdge(xy)) return out.fill(-1);
  const loX = cell.minX - MARGIN;
  const hiX = cell.maxX + MARGIN;
  const loY = cell.minY - MARGIN;
  const hiY = cell.maxY + MARGIN;
  const near: number[] = [];
  for (let i = 0; i + 3 < xy.length; i += 2) {
    if (Math.max(xy[i + 1], xy[i + 3]) < loY || Math.min(xy[i + 1], xy[i + 3]) > hiY || Math.max(xy[i], xy[i + 2]) < loX || Math.min(xy[i], xy[i + 2]) > hiX)
      continue;
    near.push(i);
  }
  const edges = Int32Array.from(near);
  const w = (cell.maxX - cell.minX) / n;
  const h = (cell.maxY - cell.minY) / n;
  // One box, moved from sub-cell to sub-cell: a split cell asks this n² times per shape.
  const box = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      box.minX = Math.min(cell.maxX, cell.minX + c * w);
      box.minY = Math.min(cell.maxY, cell.minY + r * h);
      box.maxX = c === n - 1 ? cell.maxX : Math.min(cell.maxX, cell.minX + (c + 1) * w);
      box.maxY = r === n - 1 ? cell.maxY : Math.min(cell.maxY, cell.minY + (r + 1) * h);
      // A decided sub-box to the left or below shares its answer: the ring is tested once per region, not per sub-box.
      const left = c > 0 ? out[r * n + c - 1] : -1;
      const below = r > 0 ? out[(r - 1) * n + c] : -1;
      const a = answerWith(xy, edges, ring, box, left >= 0 ? left === 1 : below >= 0 ? below === 1 : at);
      out[r * n + c] = a === undefined ? -1 : a ? 1 : 0;
    }
  }
  return out;
}
