import { cellsToMultiPolygon, getResolution, isValidCell, uncompactCells } from 'h3-js';
import { PolygonSchema } from '../../../../shared/fence';
import { round7 } from '../../../../shared/fence-rings';

type Ring = [number, number][];
type Polygon = { type: 'Polygon'; coordinates: Ring[] };

/** A polygon read from a result for a fence, with what was chosen on the way (the largest part); or why there is none. */
export type ShapeOfResult = { geometry: Polygon; note?: string } | { reason: string };

/** Vertices a fence made from a result may have: every fix is tested against each edge, so a coastline's worth is refused, not deployed. */
export const MAX_FENCE_VERTICES = 10_000;
/** H3 cells one fence may be made of (their outline is computed in the page). */
export const MAX_FENCE_CELLS = 50_000;

const isPosition = (p: unknown): p is number[] => Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]);

/** A ring as a fence keeps it: [lon, lat] to 7 decimals (as drawn ones), no repeated neighbours, closed. */
function ringOf(raw: unknown): Ring | undefined {
  if (!Array.isArray(raw) || !raw.every(isPosition)) return undefined;
  const ring: Ring = [];
  for (const p of raw as number[][]) {
    const q: [number, number] = [round7(p[0]!), round7(p[1]!)];
    const last = ring[ring.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) ring.push(q);
  }
  const [first, last] = [ring[0], ring[ring.length - 1]];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) ring.push([...first]);
  return ring;
}

/** A ring's area in square degrees of longitude scaled to its latitude: enough to tell which part is largest. */
function ringArea(ring: Ring): number {
  let sum = 0;
  const k = Math.cos(((ring[0]?.[1] ?? 0) * Math.PI) / 180);
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i]![0] * k * ring[i + 1]![1] - ring[i + 1]![0] * k * ring[i]![1];
  return Math.abs(sum / 2);
}
const polygonArea = (rings: Ring[]) => ringArea(rings[0]!) - rings.slice(1).reduce((a, r) => a + ringArea(r), 0);

/** Rings into a fence's polygon, checked by the fence contract's own rules (closed, simple, in range) and the vertex limit. */
function checked(rings: Ring[], note: string | undefined): ShapeOfResult {
  const vertices = rings.reduce((a, r) => a + r.length - 1, 0);
  if (vertices > MAX_FENCE_VERTICES)
    return {
      reason: `the polygon has ${vertices.toLocaleString()} corners: a fence takes at most ${MAX_FENCE_VERTICES.toLocaleString()} (simplify it in SQL first)`,
    };
  const geometry: Polygon = { type: 'Polygon', coordinates: rings };
  const parsed = PolygonSchema.safeParse(geometry);
  if (!parsed.success) return { reason: `not a valid fence: ${parsed.error.issues[0]?.message ?? 'invalid polygon'}` };
  return note ? { geometry, note } : { geometry };
}

/** The polygon of the largest part of a multipolygon (rings of [lon, lat]), saying how many there were. */
function largestOf(parts: Ring[][], what: string): ShapeOfResult {
  const usable = parts.filter((p) => p.length > 0 && p[0]!.length >= 4);
  if (usable.length === 0) return { reason: `the ${what} has no ring of 3 corners or more` };
  const largest = usable.reduce((a, b) => (polygonArea(b) > polygonArea(a) ? b : a));
  return checked(largest, usable.length > 1 ? `the largest of ${usable.length} separate parts` : undefined);
}

/**
 * A row's GeoJSON (text, as a GEOMETRY or GeoJSON column crosses to the page) as a fence's polygon: a
 * Polygon as it is, a MultiPolygon as its largest part (a fence drawn and edited here is one outline), a
 * Feature as its geometry; points and lines refused with the reason.
 */
export function polygonOfGeoJson(value: unknown): ShapeOfResult {
  if (value === null || value === undefined || value === '') return { reason: 'this row has no geometry' };
  let g: unknown;
  try {
    g = typeof value === 'string' ? JSON.parse(value) : value;
  } catch {
    return { reason: 'its geometry is not GeoJSON' };
  }
  if (g && typeof g === 'object' && (g as { type?: unknown }).type === 'Feature') g = (g as { geometry?: unknown }).geometry;
  const type = g && typeof g === 'object' ? (g as { type?: unknown }).type : undefined;
  const coordinates = (g as { coordinates?: unknown } | null)?.coordinates;
  switch (type) {
    case 'Polygon': {
      const rings = Array.isArray(coordinates) ? coordinates.map(ringOf) : [];
      if (rings.length === 0 || rings.some((r) => !r)) return { reason: 'its polygon’s coordinates are not rings of [lon, lat]' };
      return checked(rings as Ring[], undefined);
    }
    case 'MultiPolygon': {
      const parts = Array.isArray(coordinates) ? coordinates.map((p: unknown) => (Array.isArray(p) ? p.map(ringOf) : [undefined])) : [];
      if (parts.length === 0 || parts.some((p) => p.some((r) => !r))) return { reason: 'its multipolygon’s coordinates are not rings of [lon, lat]' };
      return largestOf(parts as Ring[][], 'multipolygon');
    }
    case 'Point':
    case 'MultiPoint':
      return { reason: `its geometry is a ${type === 'Point' ? 'point' : 'set of points'}: a fence needs an area (a polygon)` };
    case 'LineString':
    case 'MultiLineString':
      return { reason: 'its geometry is a line: a fence needs an area (a polygon)' };
    case 'GeometryCollection':
      return { reason: 'its geometry is a collection: take its polygon out in SQL first' };
    default:
      return { reason: 'its geometry is not GeoJSON' };
  }
}

/**
 * H3 cells as one fence: their outline (h3-js's union, holes kept), cells of coarser resolutions broken
 * into the finest one's first; disjoint groups of cells give their largest outline, which the note says.
 */
export function polygonOfCells(values: readonly unknown[]): ShapeOfResult {
  const cells = [...new Set(values.filter((v): v is string => typeof v === 'string' && isValidCell(v)))];
  if (cells.length === 0) return { reason: 'no H3 cells in these rows' };
  if (cells.length > MAX_FENCE_CELLS)
    return { reason: `${cells.length.toLocaleString()} cells: a fence is made of at most ${MAX_FENCE_CELLS.toLocaleString()}` };
  const finest = Math.max(...cells.map(getResolution));
  const same = cells.some((c) => getResolution(c) !== finest) ? [...new Set(uncompactCells(cells, finest))] : cells;
  if (same.length > MAX_FENCE_CELLS * 7)
    return { reason: `the cells cover ${same.length.toLocaleString()} cells of resolution ${finest}: too many for one fence` };
  let outline: number[][][][];
  try {
    outline = cellsToMultiPolygon(same, true);
  } catch (err) {
    return { reason: `their outline cannot be made: ${(err as Error).message}` };
  }
  const parts = outline.map((p) => p.map((r) => ringOf(r)!));
  const result = largestOf(parts, 'cells’ outline');
  if ('reason' in result) return result;
  const of = `${cells.length.toLocaleString()} H3 cell${cells.length === 1 ? '' : 's'}`;
  return { geometry: result.geometry, note: result.note ? `${of}, ${result.note}` : of };
}
