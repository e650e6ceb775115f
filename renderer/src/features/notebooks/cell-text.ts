import type { ResultColumn } from '../../../../shared/rpc';

/** A value as the grid shows it: instants in ISO (UTC), 64-bit integers exact, nulls as NULL. */
export function cellText(kind: ResultColumn['kind'], v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (kind === 'time') return new Date(Number(v)).toISOString().replace('T', ' ').replace('.000Z', 'Z');
  if (kind === 'float')
    return Number.isInteger(v)
      ? String(v)
      : Number(v)
          .toPrecision(10)
          .replace(/\.?0+$/, '');
  return String(v);
}
