import type { ResultColumn } from '../../../../shared/rpc';

/** What in a result can go on the map: an H3 cell column, a pair of lat/lon columns, or GeoJSON text. */
export type MapSpec = { kind: 'h3'; cell: number } | { kind: 'points'; lat: number; lon: number } | { kind: 'geojson'; column: number };

const NUMERIC = new Set<ResultColumn['kind']>(['int32', 'int64', 'uint64', 'float']);
const find = (columns: readonly ResultColumn[], names: RegExp, ok: (c: ResultColumn) => boolean) => columns.findIndex((c) => names.test(c.name) && ok(c));

/** Reads the columns' names and kinds: `h3`/`cell`/`hex` (a UBIGINT or its hex text), `lat`+`lon`, `geometry`/`geojson` text. */
export function mapSpecOf(columns: readonly ResultColumn[]): MapSpec | undefined {
  const cell = find(columns, /^(h3|h3_?cell|cell|hex|h3_?index)$/i, (c) => c.kind === 'uint64' || c.kind === 'int64' || c.kind === 'text');
  if (cell >= 0) return { kind: 'h3', cell };
  const lat = find(columns, /^(lat|latitude)$/i, (c) => c.kind === 'float');
  const lon = find(columns, /^(lon|lng|long|longitude)$/i, (c) => c.kind === 'float');
  if (lat >= 0 && lon >= 0) return { kind: 'points', lat, lon };
  const geo = find(columns, /^(geometry|geojson|geom|shape)$/i, (c) => c.kind === 'text');
  if (geo >= 0) return { kind: 'geojson', column: geo };
  return undefined;
}

/** The numeric columns that can colour the map (not the ones that place it). */
export function valueColumns(columns: readonly ResultColumn[], spec: MapSpec): number[] {
  const placing = new Set(spec.kind === 'h3' ? [spec.cell] : spec.kind === 'points' ? [spec.lat, spec.lon] : [spec.column]);
  return columns.flatMap((c, i) => (NUMERIC.has(c.kind) && !placing.has(i) ? [i] : []));
}

/** An H3 cell as h3-js names it, from a UBIGINT or from text. */
export function h3Of(v: unknown): string | undefined {
  if (typeof v === 'bigint') return v.toString(16);
  if (typeof v === 'string' && /^[0-9a-f]{15}$/i.test(v)) return v.toLowerCase();
  return undefined;
}

/** Low and high of the finite values (equal when one value; [0, 1] when none). */
export function domainOf(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}
