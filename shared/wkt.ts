/** GeoJSON geometries as WKT, the way the notebook grid shows them: whole on hover, shortened in the cell. */
import type { GeoJsonGeometry, Position } from './wkb';

// GeoJSON text from a file may hold anything: what is not an array where one belongs is refused.
const arr = <T>(x: readonly T[]): readonly T[] => {
  if (!Array.isArray(x)) throw new TypeError('not a GeoJSON geometry');
  return x;
};
const num = (n: number) => String(Math.round(n * 1e7) / 1e7);
const pos = (p: Position) => (arr(p).length ? `${num(p[0]!)} ${num(p[1]!)}` : 'EMPTY');
const list = (ps: readonly Position[]) => (arr(ps).length ? `(${ps.map(pos).join(', ')})` : 'EMPTY');
const lists = (ls: readonly (readonly Position[])[]) => (arr(ls).length ? `(${ls.map(list).join(', ')})` : 'EMPTY');

/** WKT of a GeoJSON geometry (coordinates to 1e-7, about a centimetre). */
export function wktOf(g: GeoJsonGeometry): string {
  switch (g.type) {
    case 'Point':
      return arr(g.coordinates).length ? `POINT (${pos(g.coordinates)})` : 'POINT EMPTY';
    case 'LineString':
      return `LINESTRING ${list(g.coordinates)}`;
    case 'MultiPoint':
      return `MULTIPOINT ${arr(g.coordinates).length ? `(${g.coordinates.map((p) => `(${pos(p)})`).join(', ')})` : 'EMPTY'}`;
    case 'Polygon':
      return `POLYGON ${lists(g.coordinates)}`;
    case 'MultiLineString':
      return `MULTILINESTRING ${lists(g.coordinates)}`;
    case 'MultiPolygon':
      return `MULTIPOLYGON ${arr(g.coordinates).length ? `(${g.coordinates.map(lists).join(', ')})` : 'EMPTY'}`;
    case 'GeometryCollection':
      return `GEOMETRYCOLLECTION ${arr(g.geometries).length ? `(${g.geometries.map(wktOf).join(', ')})` : 'EMPTY'}`;
  }
}

/** WKT of GeoJSON geometry text, or undefined when the text is not a geometry. */
export function wktOfText(text: string): string | undefined {
  try {
    const g = JSON.parse(text) as GeoJsonGeometry | null;
    return g && typeof g === 'object' && typeof g.type === 'string' ? wktOf(g) : undefined;
  } catch {
    return undefined;
  }
}

/** WKT cut to about `max` characters at a coordinate's end, with `…))` closing it as far as it was open. */
export function shortWkt(wkt: string, max = 60): string {
  if (wkt.length <= max) return wkt;
  const cut = wkt.lastIndexOf(',', max);
  const head = wkt.slice(0, cut > 0 ? cut : max);
  const open = [...head].reduce((n, c) => n + (c === '(' ? 1 : c === ')' ? -1 : 0), 0);
  return `${head}, …${')'.repeat(Math.max(0, open))}`;
}
