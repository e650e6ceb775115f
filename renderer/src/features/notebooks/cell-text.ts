import type { ResultColumn } from '../../../../shared/rpc';
import { wktOfText } from '../../../../shared/wkt';

/** A value as the grid copies, filters and exports it: instants in ISO (UTC), 64-bit integers exact, geometries as WKT, nulls as NULL. */
export function cellText(kind: ResultColumn['kind'], v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (kind === 'geometry') return wktOfText(String(v)) ?? String(v);
  if (kind === 'time') return new Date(Number(v)).toISOString().replace('T', ' ').replace('.000Z', 'Z');
  if (kind === 'float')
    return Number.isInteger(v)
      ? String(v)
      : Number(v)
          .toPrecision(10)
          .replace(/\.?0+$/, '');
  return String(v);
}
