import type { Table } from 'apache-arrow';
import type { ResultColumn } from '../../../../shared/rpc';
import { cellText } from './cell-text';

export interface RowSort {
  column: number;
  descending: boolean;
}

const compare = (a: unknown, b: unknown): number => {
  // Nulls go last whichever way the column is sorted: the values are what the analyst looks for.
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b);
  return a < b ? -1 : a > b ? 1 : 0;
};

/**
 * Which kept rows the grid shows, in which order: those with a cell whose text holds `filter` (any
 * case), sorted by one column (stable; nulls last). Indexes into the table.
 */
export function rowOrder(table: Table, columns: readonly ResultColumn[], sort?: RowSort, filter = ''): Uint32Array {
  const needle = filter.trim().toLowerCase();
  const vectors = columns.map((_, i) => table.getChildAt(i)!);
  const keep: number[] = [];
  for (let r = 0; r < table.numRows; r++) {
    if (!needle || columns.some((c, i) => cellText(c.kind, vectors[i]!.get(r)).toLowerCase().includes(needle))) keep.push(r);
  }
  if (sort) {
    const v = vectors[sort.column]!;
    const values = keep.map((r) => v.get(r) as unknown);
    const idx = keep.map((_, i) => i);
    idx.sort((a, b) => {
      const av = values[a];
      const bv = values[b];
      const nulls = av === null || bv === null || av === undefined || bv === undefined;
      const c = compare(av, bv);
      return (nulls || !sort.descending ? c : -c) || a - b;
    });
    return Uint32Array.from(idx, (i) => keep[i]!);
  }
  return Uint32Array.from(keep);
}
