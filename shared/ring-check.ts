/** Pure geometry checks behind fence validation (shared: the renderer checks a drawing before sending it). */
import { round7 } from './fence-rings';

export type LonLat = readonly [number, number];

function orientation(p: LonLat, q: LonLat, r: LonLat): number {
  const v = (q[1] - p[1]) * (r[0] - q[0]) - (q[0] - p[0]) * (r[1] - q[1]);
  return v === 0 ? 0 : v > 0 ? 1 : 2;
}

const onSegment = (p: LonLat, q: LonLat, r: LonLat) =>
  q[0] <= Math.max(p[0], r[0]) && q[0] >= Math.min(p[0], r[0]) && q[1] <= Math.max(p[1], r[1]) && q[1] >= Math.min(p[1], r[1]);

/** Whether segments p1–q1 and p2–q2 share any point (touching counts). */
export function segmentsTouch(p1: LonLat, q1: LonLat, p2: LonLat, q2: LonLat): boolean {
  const o1 = orientation(p1, q1, p2);
  const o2 = orientation(p1, q1, q2);
  const o3 = orientation(p2, q2, p1);
  const o4 = orientation(p2, q2, q1);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(p1, p2, q1)) || (o2 === 0 && onSegment(p1, q2, q1)) || (o3 === 0 && onSegment(p2, p1, q2)) || (o4 === 0 && onSegment(p2, q1, q2))
  );
}

/** Where two touching segments meet (for collinear overlaps, an end of one lying on the other). */
function meetingPoint(p1: LonLat, q1: LonLat, p2: LonLat, q2: LonLat): LonLat {
  const d = (q1[0] - p1[0]) * (q2[1] - p2[1]) - (q1[1] - p1[1]) * (q2[0] - p2[0]);
  if (d === 0) return [p2, q2, p1, q1].find((p, i) => (i < 2 ? onSegment(p1, p, q1) : onSegment(p2, p, q2))) ?? p2;
  const t = ((p2[0] - p1[0]) * (q2[1] - p2[1]) - (p2[1] - p1[1]) * (q2[0] - p2[0])) / d;
  return [round7(p1[0] + t * (q1[0] - p1[0])), round7(p1[1] + t * (q1[1] - p1[1]))];
}

/**
 * The first pair of edges of a closed ring that cross or touch, other than neighbours meeting at their
 * shared vertex; undefined for a simple ring. Edge i runs from position i to i + 1.
 */
export function ringSelfIntersection(ring: readonly LonLat[]): { a: number; b: number; near: LonLat } | undefined {
  const n = ring.length - 1; // edges of a closed ring
  const boxes = Array.from({ length: n }, (_, i) => {
    const p = ring[i];
    const q = ring[i + 1];
    return [Math.min(p[0], q[0]), Math.min(p[1], q[1]), Math.max(p[0], q[0]), Math.max(p[1], q[1])] as const;
  });
  // Edges by west edge, so each is compared only with those whose x-range overlaps.
  const order = boxes.map((_, i) => i).sort((i, j) => boxes[i][0] - boxes[j][0]);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    for (let m = k + 1; m < n; m++) {
      const j = order[m];
      if (boxes[j][0] > boxes[i][2]) break;
      if (boxes[j][1] > boxes[i][3] || boxes[j][3] < boxes[i][1]) continue;
      const [a, b] = i < j ? [i, j] : [j, i];
      const neighbours = b === a + 1 || (a === 0 && b === n - 1);
      if (neighbours) {
        // Neighbours share a vertex; they intersect only if they fold back over each other.
        const shared = b === a + 1 ? ring[b] : ring[0];
        const pa = b === a + 1 ? ring[a] : ring[1];
        const pb = b === a + 1 ? ring[b + 1] : ring[n - 1];
        if (orientation(pa, shared, pb) === 0 && (pa[0] - shared[0]) * (pb[0] - shared[0]) + (pa[1] - shared[1]) * (pb[1] - shared[1]) > 0)
          return { a, b, near: shared };
        continue;
      }
      if (segmentsTouch(ring[a], ring[a + 1], ring[b], ring[b + 1])) return { a, b, near: meetingPoint(ring[a], ring[a + 1], ring[b], ring[b + 1]) };
    }
  }
  return undefined;
}
