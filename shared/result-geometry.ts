/**
 * What places a query result on the map or in a GeoJSON file: an H3 cell column, a pair of lat/lon
 * columns, or GeoJSON text — read from the columns' names and kinds, the same in the engine and the renderer.
 */
import type { ResultColumn } from './rpc';

export type MapSpec = { kind: 'h3'; cell: number } | { kind: 'points'; lat: number; lon: number } | { kind: 'geojson'; column: number };

type ColumnShape = Pick<ResultColumn, 'name' | 'kind'>;

const NUMERIC = new Set<ResultColumn['kind']>(['int32', 'int64', 'uint64', 'float']);
const find = (columns: readonly ColumnShape[], names: RegExp, ok: (c: ColumnShape) => boolean) => columns.findIndex((c) => names.test(c.name) && ok(c));

/**
 * Reads the columns' names and kinds: `h3`/`cell`/`hex` (a UBIGINT or its hex text), then a geometry column
 * of any name (GEOMETRY or WKB, as GeoJSON text), `lat`+`lon`, `geometry`/`geojson` text.
 */
export function mapSpecOf(columns: readonly ColumnShape[]): MapSpec | undefined {
  const cell = find(columns, /^(h3|h3_?cell|cell|hex|h3_?index)$/i, (c) => c.kind === 'uint64' || c.kind === 'int64' || c.kind === 'text');
  if (cell >= 0) return { kind: 'h3', cell };
  const shape = columns.findIndex((c) => c.kind === 'geometry');
  if (shape >= 0) return { kind: 'geojson', column: shape };
  const lat = find(columns, /^(lat|latitude)$/i, (c) => c.kind === 'float');
  const lon = find(columns, /^(lon|lng|long|longitude)$/i, (c) => c.kind === 'float');
  if (lat >= 0 && lon >= 0) return { kind: 'points', lat, lon };
  const geo = find(columns, /^(geometry|geojson|geom|shape)$/i, (c) => c.kind === 'text');
  if (geo >= 0) return { kind: 'geojson', column: geo };
  return undefined;
}

/** The columns that place a result (not its properties or values). */
export function placingColumns(spec: MapSpec): number[] {
  return spec.kind === 'h3' ? [spec.cell] : spec.kind === 'points' ? [spec.lat, spec.lon] : [spec.column];
}

/** The numeric columns that can colour the map (not the ones that place it). */
export function valueColumns(columns: readonly ColumnShape[], spec: MapSpec): number[] {
  const placing = new Set(placingColumns(spec));
  return columns.flatMap((c, i) => (NUMERIC.has(c.kind) && !placing.has(i) ? [i] : []));
}

/** An H3 cell as h3-js names it, from a UBIGINT or from text. */
export function h3Of(v: unknown): string | undefined {
  if (typeof v === 'bigint') return v.toString(16);
  if (typeof v === 'string' && /^[0-9a-f]{15}$/i.test(v)) return v.toLowerCase();
  return undefined;
}
