import { RpcError, type ResultOf, type RpcClient } from '../../../../shared/rpc';
import { createStore } from '../../app/store';
import { newCellId, parseNotebook, serializeNotebook, type Cell } from './notebook-file';
import { recordQuery, rememberNotebook } from './notebook-history';
import { dropPages } from './result-pages';

export type RunSummary = ResultOf<'notebooks.run'>;

/** A cell's last run: running (rows so far, DuckDB's estimate), its result, or why it has none. */
export interface CellRun {
  status: 'running' | 'done' | 'error' | 'cancelled';
  rows: number;
  percent?: number;
  started: number;
  summary?: RunSummary;
  /** The result's columns, known before it ends: its first rows show while the rest arrive. */
  columns?: RunSummary['columns'];
  error?: { message: string; at?: { line: number; column: number } };
}

export interface NotebookState {
  name: string;
  cells: Cell[];
  runs: Record<string, CellRun>;
  /** Changed since it was last saved to a file. */
  dirty: boolean;
  /** The notebook was brought back from the autosave of a session that ended without saving. */
  recovered?: boolean;
}

const AUTOSAVE = 'hexwatch.notebook.autosave';
const firstCell = (): Cell => ({ id: newCellId(), kind: 'sql', source: 'SELECT count(*) AS positions, min(ts) AS first, max(ts) AS last FROM positions' });

function initial(): NotebookState {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(AUTOSAVE) ?? 'null') as { name: string; text: string; dirty: boolean } | null;
    if (saved) return { name: saved.name, cells: parseNotebook(saved.text), runs: {}, dirty: saved.dirty, recovered: saved.dirty };
  } catch {
    // A damaged autosave is dropped: a new notebook starts.
  }
  return { name: 'Untitled', cells: [firstCell()], runs: {}, dirty: false };
}

const store = createStore<NotebookState>(initial());
export const useNotebook = store.use;
export const getNotebook = store.get;

function update(patch: Partial<NotebookState>): void {
  const next = { ...store.get(), ...patch };
  store.set(next);
  if (patch.cells || patch.name !== undefined || patch.dirty !== undefined)
    globalThis.localStorage?.setItem(AUTOSAVE, JSON.stringify({ name: next.name, text: serializeNotebook(next.cells), dirty: next.dirty }));
}

export function setCells(cells: Cell[]): void {
  update({ cells, dirty: true, recovered: false });
}

export function editCell(id: string, patch: Partial<Cell>): void {
  setCells(store.get().cells.map((c) => (c.id === id ? { ...c, ...patch } : c)));
}

export function addCell(kind: Cell['kind'], after?: string): string {
  const cell: Cell = { id: newCellId(), kind, source: '' };
  const cells = [...store.get().cells];
  const at = after ? cells.findIndex((c) => c.id === after) + 1 : cells.length;
  cells.splice(at, 0, cell);
  setCells(cells);
  return cell.id;
}

export function removeCell(id: string): void {
  dropPages(id);
  setCells(store.get().cells.filter((c) => c.id !== id));
}

export function newNotebook(): void {
  for (const c of store.get().cells) dropPages(c.id);
  update({ name: 'Untitled', cells: [firstCell()], runs: {}, dirty: false, recovered: false });
}

export function openNotebook(name: string, text: string): void {
  for (const c of store.get().cells) dropPages(c.id);
  const cells = parseNotebook(text);
  update({ name: name.replace(/\.sql$/, ''), cells, runs: {}, dirty: false, recovered: false });
  rememberNotebook(store.get().name, serializeNotebook(cells));
}

export function markSaved(name: string): void {
  update({ name, dirty: false, recovered: false });
  rememberNotebook(name, serializeNotebook(store.get().cells));
}

const setRun = (id: string, run: CellRun) => store.set({ ...store.get(), runs: { ...store.get().runs, [id]: run } });

/** Where DuckDB pointed: the engine names it `sql.<line>.<column>`. */
function errorOf(err: unknown): CellRun['error'] {
  const message = (err as Error).message;
  const path = err instanceof RpcError ? err.issues[0]?.path : undefined;
  const m = path ? /^sql\.(\d+)\.(\d+)$/.exec(path) : null;
  return { message, ...(m ? { at: { line: Number(m[1]), column: Number(m[2]) } } : {}) };
}

/** Runs one SQL cell on the engine's notebook thread; its rows are then paged by the grid. */
export async function runCell(client: RpcClient, id: string): Promise<boolean> {
  const cell = store.get().cells.find((c) => c.id === id);
  if (!cell || cell.kind !== 'sql' || !cell.source.trim()) return true;
  const started = Date.now();
  dropPages(id);
  setRun(id, { status: 'running', rows: 0, started });
  const off = client.subscribe('notebooks.progress', (p) => {
    const run = store.get().runs[id];
    if (p.queryId === id && run?.status === 'running' && run.started === started)
      setRun(id, { ...run, rows: p.rows, percent: p.percent, ...(p.columns ? { columns: p.columns } : {}) });
  });
  try {
    const summary = await client.call('notebooks.run', { queryId: id, sql: cell.source, ...(cell.name ? { name: cell.name } : {}) });
    setRun(id, { status: 'done', rows: summary.rows, started, summary });
    recordQuery({ sql: cell.source, at: started, ms: summary.ms, rows: summary.rows });
    return true;
  } catch (err) {
    const cancelled = err instanceof RpcError && err.code === 'cancelled';
    setRun(id, { status: cancelled ? 'cancelled' : 'error', rows: store.get().runs[id]?.rows ?? 0, started, ...(cancelled ? {} : { error: errorOf(err) }) });
    recordQuery({ sql: cell.source, at: started, error: cancelled ? 'cancelled' : (err as Error).message.split('\n')[0] });
    return false;
  } finally {
    off();
  }
}

/** Runs the SQL cells in order (from `from` on), stopping at the first that fails. */
export async function runCells(client: RpcClient, from?: string): Promise<void> {
  const cells = store.get().cells;
  const start = from ? cells.findIndex((c) => c.id === from) : 0;
  for (const c of cells.slice(Math.max(0, start))) if (!(await runCell(client, c.id))) return;
}

export async function cancelCell(client: RpcClient, id: string): Promise<void> {
  await client.call('notebooks.cancel', { queryId: id });
}
