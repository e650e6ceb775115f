import { tableFromIPC, type Table } from 'apache-arrow';
import type { RpcClient } from '../../../../shared/rpc';

/** Rows per page the grid asks for. */
export const PAGE_ROWS = 200;

/**
 * Results stay outside React: each cell's pages of rows as Arrow tables, fetched as the grid scrolls
 * to them, once. Listeners hear when a page arrives.
 */
const pages = new Map<string, Map<number, Table | Promise<void>>>();
/** Results brought back from before a reload (kept-results.ts): their rows are here, the engine has forgotten them. */
const restored = new Map<string, Table>();
const listeners = new Set<() => void>();

export function onPage(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** The page holding `row`, if it is here; asks for it otherwise. */
export function pageOf(client: RpcClient, cellId: string, row: number): { table: Table; offset: number } | undefined {
  const index = Math.floor(row / PAGE_ROWS);
  let cell = pages.get(cellId);
  if (!cell) pages.set(cellId, (cell = new Map()));
  const page = cell.get(index);
  if (page && !(page instanceof Promise)) return { table: page, offset: index * PAGE_ROWS };
  if (!page) {
    const mine = cell;
    mine.set(
      index,
      client
        .call('notebooks.page', { queryId: cellId, offset: index * PAGE_ROWS, limit: PAGE_ROWS })
        .then((buffer) => {
          if (pages.get(cellId) !== mine) return;
          mine.set(index, tableFromIPC(new Uint8Array(buffer)));
          for (const l of listeners) l();
        })
        .catch(() => void mine.delete(index)),
    );
  }
  return undefined;
}

/** A cell's result goes (a new run, the cell removed). */
export function dropPages(cellId: string): void {
  pages.delete(cellId);
  restored.delete(cellId);
}

/** A kept result's rows stand for the cell's result until it runs again, in the grid's pages (the engine has let it go). */
export function restorePages(cellId: string, table: Table): void {
  restored.set(cellId, table);
  const cell = new Map<number, Table>();
  for (let i = 0; i * PAGE_ROWS < Math.max(table.numRows, 1); i++) cell.set(i, table.slice(i * PAGE_ROWS, (i + 1) * PAGE_ROWS));
  pages.set(cellId, cell);
}

/** Every kept row of a result as one table (the map and charts draw them all), in pages of up to 100k. */
export async function fetchRows(client: RpcClient, cellId: string, rows: number): Promise<Table> {
  const kept = restored.get(cellId);
  if (kept) return kept;
  let table: Table | undefined;
  for (let offset = 0; offset < Math.max(rows, 1); offset += 100_000) {
    const page = tableFromIPC(new Uint8Array(await client.call('notebooks.page', { queryId: cellId, offset, limit: 100_000 })));
    table = table ? table.concat(page) : page;
  }
  return table!;
}
