/**
 * A ring's edges filed by horizontal band of its box, so a point-in-ring test visits the few edges at
 * the point's latitude instead of all of them. An edge is in every band its y range meets; the band of a
 * y is computed by the same monotone float steps, so every edge whose y range holds that y is in it.
 */

/** Below this many edges the plain loop is as quick as a band lookup. */
const MIN_EDGES = 12;

export interface RingBands {
  minY: number;
  /** Bands per unit of y. */
  inv: number;
  count: number;
  /** Band b's edges (offsets of their first x in the ring's xy) are edges[start[b]] … edges[start[b + 1] - 1], ascending. */
  start: Int32Array;
  edges: Int32Array;
}

/** The band holding y (y within the ring's box). */
export function bandOf(bands: RingBands, y: number): number {
  const b = Math.floor((y - bands.minY) * bands.inv);
  return b < 0 ? 0 : b >= bands.count ? bands.count - 1 : b;
}

/** Bands for a closed ring given as x0, y0, x1, y1, …; none when the plain loop is as good or must be kept. */
export function ringBands(xy: Float64Array, minY: number, maxY: number): RingBands | undefined {
  const n = xy.length / 2 - 1;
  if (n < MIN_EDGES || !(maxY > minY)) return undefined;
  for (let i = 0; i + 3 < xy.length; i += 2) {
    // raycast's collinearity quotient overflows for a horizontal edge this short and may then call a
    // point on another latitude ON: such a ring keeps the plain loop, which sees every edge.
    if (xy[i + 1] === xy[i + 3] && xy[i] !== xy[i + 2] && Math.abs(xy[i + 2] - xy[i]) < 1e-290) return undefined;
  }
  const count = n;
  if (!Number.isFinite(count / (maxY - minY))) return undefined;
  const bands: RingBands = { minY, inv: count / (maxY - minY), count, start: new Int32Array(count + 1), edges: new Int32Array(0) };
  const span = (i: number): [number, number] => {
    const a = bandOf(bands, Math.min(xy[i + 1], xy[i + 3]));
    return [a, bandOf(bands, Math.max(xy[i + 1], xy[i + 3]))];
  };
  for (let i = 0; i + 3 < xy.length; i += 2) {
    const [b0, b1] = span(i);
    for (let b = b0; b <= b1; b++) bands.start[b + 1]++;
  }
  for (let b = 0; b < count; b++) bands.start[b + 1] += bands.start[b];
  bands.edges = new Int32Array(bands.start[count]);
  const fill = bands.start.slice(0, count);
  for (let i = 0; i + 3 < xy.length; i += 2) {
    const [b0, b1] = span(i);
    for (let b = b0; b <= b1; b++) bands.edges[fill[b]++] = i;
  }
  return bands;
}
