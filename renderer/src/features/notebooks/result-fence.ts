import type { Table } from 'apache-arrow';
import type { ResultColumn, RpcClient } from '../../../../shared/rpc';
import { makeFence, polygonOfCells, polygonOfGeoJson, type ShapeOfResult } from '../fences';
import { createStore } from '../../app/store';
import { h3Of, mapSpecOf } from './result-map';
import { fetchRows } from './result-pages';

/** Where a result's fences come from: a polygon per row (GeoJSON text or a GEOMETRY column), or its H3 cells together; a name column if any. */
export type FenceSource = { kind: 'shape' | 'cells'; column: number; name?: number };

/** The row of a result last clicked in its grid (its index in the result): what "Make fence from result row" takes. */
export const chosenRow = createStore<{ cellId: string; row: number } | null>(null);

/** Why the last fence asked of a cell's result could not be made (shown under its toolbar until the next try). */
export const fenceRefusal = createStore<{ cellId: string; reason: string } | null>(null);

/** Read as the map places the result (shared/result-geometry.ts): its geometry or GeoJSON column, else its H3 cells; lat/lon points make no fence. */
export function fenceSourceOf(columns: readonly Pick<ResultColumn, 'name' | 'kind'>[]): FenceSource | undefined {
  const spec = mapSpecOf(columns);
  if (!spec || spec.kind === 'points') return undefined;
  const name = columns.findIndex((c) => c.kind === 'text' && /^(name|label|title)$/i.test(c.name));
  const at = name >= 0 ? { name } : {};
  return spec.kind === 'h3' ? { kind: 'cells', column: spec.cell, ...at } : { kind: 'shape', column: spec.column, ...at };
}

/** One row's polygon, from its values by column. */
export const shapeOfRow = (source: FenceSource, value: (column: number) => unknown): ShapeOfResult =>
  source.kind === 'shape' ? polygonOfGeoJson(value(source.column)) : polygonOfCells([h3Of(value(source.column))]);

/** The outline of the cells of `rows` (every row when not given). */
export function shapeOfCells(source: FenceSource, table: Table, rows?: readonly number[]): ShapeOfResult {
  const column = table.getChildAt(source.column);
  if (!column) return { reason: 'the result has no cell column' };
  const indices = rows ?? Array.from({ length: table.numRows }, (_, i) => i);
  return polygonOfCells(indices.map((i) => h3Of(column.get(i))));
}

/** The Fences panel opened with the shape as a new fence's draft; `origin` says where it came from. */
export function makeFenceOf(shape: ShapeOfResult, origin: string, name?: unknown): string | undefined {
  if ('reason' in shape) return shape.reason;
  makeFence({ geometry: shape.geometry, name: typeof name === 'string' ? name : undefined, origin: shape.note ? `${origin}: ${shape.note}` : origin });
  return undefined;
}

/**
 * A fence from a cell's whole result, fetched: from one row's polygon (`row`), or from the cells of `rows`
 * (every row when not given) of an H3 result. What stops it is kept in `fenceRefusal` for the cell to show.
 */
export async function fenceFromResult(
  client: RpcClient,
  result: { cellId: string; label: string; columns: readonly Pick<ResultColumn, 'name' | 'kind'>[]; rows: number },
  which: { row: number } | { rows?: readonly number[] },
): Promise<void> {
  const refuse = (reason: string) => fenceRefusal.set({ cellId: result.cellId, reason });
  fenceRefusal.set(null);
  const source = fenceSourceOf(result.columns);
  if (!source) return refuse('the result has no polygon (a geometry or GeoJSON column) and no H3 cells');
  try {
    const table = await fetchRows(client, result.cellId, result.rows);
    if ('row' in which && source.kind === 'shape') {
      const value = (i: number) => table.getChildAt(i)?.get(which.row) as unknown;
      const why = makeFenceOf(shapeOfRow(source, value), `${result.label}, row ${which.row + 1}`, source.name !== undefined ? value(source.name) : undefined);
      if (why) refuse(`row ${which.row + 1}: ${why}`);
      return;
    }
    const rows = 'rows' in which ? which.rows : undefined;
    const why = makeFenceOf(shapeOfCells(source, table, rows), result.label);
    if (why) refuse(why);
  } catch (err) {
    refuse((err as Error).message);
  }
}
