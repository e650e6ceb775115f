import type { ResultOf, RpcClient, RpcError } from '../../../../shared/rpc';
import { z } from 'zod';
import { persistFields } from '../../app/preferences';
import { createStore } from '../../app/store';
import { resetJob, startJob } from '../../engine';
import { newCellId, parseNotebook, serializeNotebook, type Cell } from './notebook-file';
import { forgetKept, keepOnly, keepRun, restoreKeptRows } from './kept-results';
import { recordQuery, rememberNotebook } from './notebook-history';
import { dropPages } from './result-pages';

export type RunSummary = ResultOf<'notebooks.run'>;

/**
 * A SQL cell's last run is a job under this key (`useJob('notebooks.run', cellJob(id))`): running (rows so
 * far, DuckDB's estimate, the columns once known), its result, or why it has none. Its result is paged under
 * the cell's id.
 */
export const cellJob = (cellId: string) => `notebooks.run ${cellId}`;

export interface NotebookState {
  name: string;
  cells: Cell[];
  /** Changed since it was last saved to a file. */
  dirty: boolean;
  /** The notebook was brought back from the autosave of a session that ended without saving. */
  recovered?: boolean;
}

const AUTOSAVE = 'hexwatch.notebook.autosave';
/** A new notebook's first cell is empty: its editor shows an example as a placeholder, so what is typed is the query. */
const firstCell = (): Cell => ({ id: newCellId(), kind: 'sql', source: '' });

const AutosaveSchema = z.object({ name: z.string(), text: z.string(), dirty: z.boolean(), ids: z.array(z.string()).optional() });
type Autosave = z.infer<typeof AutosaveSchema>;

function readLocal(): Autosave | null {
  try {
    const parsed = AutosaveSchema.safeParse(JSON.parse(globalThis.localStorage?.getItem(AUTOSAVE) ?? 'null'));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // a damaged autosave is dropped: a new notebook starts
  }
}

/**
 * The autosave, in the browser's storage (at once, for a reload) and in the engine's preferences: in web mode
 * each start serves on a new port, a new origin with empty storage, and only the engine's copy is there.
 */
const kept = createStore<{ autosave: Autosave | null }>({ autosave: readLocal() });
persistFields(kept, 'notebooks', { autosave: AutosaveSchema.nullable() });

function fromAutosave(saved: Autosave | null): NotebookState {
  if (!saved) return { name: 'Untitled', cells: [firstCell()], dirty: false };
  const cells = parseNotebook(saved.text);
  // The cells keep their ids across a reload: their kept results are filed under them.
  if (saved.ids?.length === cells.length) cells.forEach((c, i) => (c.id = saved.ids![i]!));
  return { name: saved.name, cells: cells.length ? cells : [firstCell()], dirty: saved.dirty, recovered: saved.dirty };
}

const store = createStore<NotebookState>(fromAutosave(kept.get().autosave));
export const useNotebook = store.use;
export const getNotebook = store.get;
keepOnly(store.get().cells.map((c) => c.id));
restoreKeptRows();

/** Set once this page changes the notebook: from then on the page's notebook is the one kept. */
let edited = false;
kept.subscribe(() => {
  // The engine's copy arrived (it loads a moment after the page): taken unless the analyst has already begun here.
  if (edited) return;
  store.set(fromAutosave(kept.get().autosave));
  keepOnly(store.get().cells.map((c) => c.id));
});

function update(patch: Partial<NotebookState>): void {
  const next = { ...store.get(), ...patch };
  edited = true;
  store.set(next);
  if (patch.cells || patch.name !== undefined || patch.dirty !== undefined) {
    const saved = { name: next.name, text: serializeNotebook(next.cells), dirty: next.dirty, ids: next.cells.map((c) => c.id) };
    kept.set({ autosave: saved });
    globalThis.localStorage?.setItem(AUTOSAVE, JSON.stringify(saved));
  }
}

/** The cell the analyst works in (the last focused or added): the palette's cell commands act on it. */
export const currentCell = createStore<string | null>(null);
/** The current cell, if it is still in the notebook. */
export const getCurrentCell = (): Cell | undefined => store.get().cells.find((c) => c.id === currentCell.get());
/** A cell as the panel names it: "Cell 2", by its place in the notebook. */
export const cellLabel = (id: string): string => `Cell ${store.get().cells.findIndex((c) => c.id === id) + 1}`;

export function setCells(cells: Cell[]): void {
  update({ cells, dirty: true, recovered: false });
}

export function editCell(id: string, patch: Partial<Cell>): void {
  setCells(store.get().cells.map((c) => (c.id === id ? { ...c, ...patch } : c)));
}

export function addCell(kind: Cell['kind'], source = '', after?: string): string {
  const cell: Cell = { id: newCellId(), kind, source };
  const cells = [...store.get().cells];
  const at = after ? cells.findIndex((c) => c.id === after) + 1 : cells.length;
  cells.splice(at, 0, cell);
  setCells(cells);
  currentCell.set(cell.id);
  return cell.id;
}

/** A cell gone: its result and the run that made it go too. */
function forgetRun(id: string): void {
  dropPages(id);
  resetJob(cellJob(id));
  forgetKept(id);
}

export function removeCell(id: string): void {
  forgetRun(id);
  if (currentCell.get() === id) currentCell.set(null);
  setCells(store.get().cells.filter((c) => c.id !== id));
}

export function newNotebook(): void {
  for (const c of store.get().cells) forgetRun(c.id);
  currentCell.set(null);
  update({ name: 'Untitled', cells: [firstCell()], dirty: false, recovered: false });
}

export function openNotebook(name: string, text: string): void {
  for (const c of store.get().cells) forgetRun(c.id);
  currentCell.set(null);
  const cells = parseNotebook(text);
  update({ name: name.replace(/\.sql$/, ''), cells, dirty: false, recovered: false });
  rememberNotebook(store.get().name, serializeNotebook(cells));
}

export function markSaved(name: string): void {
  update({ name, dirty: false, recovered: false });
  rememberNotebook(name, serializeNotebook(store.get().cells));
}

/** Where DuckDB pointed: the engine names it `sql.<line>.<column>`. */
export function cellError(err: RpcError): { message: string; at?: { line: number; column: number } } {
  const m = /^sql\.(\d+)\.(\d+)$/.exec(err.issues[0]?.path ?? '');
  return { message: err.message, ...(m ? { at: { line: Number(m[1]), column: Number(m[2]) } } : {}) };
}

/** Runs one SQL cell on the engine's notebook thread as its job; its rows are then paged by the grid. */
export async function runCell(client: RpcClient, id: string): Promise<boolean> {
  const cell = store.get().cells.find((c) => c.id === id);
  if (!cell || cell.kind !== 'sql' || !cell.source.trim()) return true;
  const started = Date.now();
  dropPages(id);
  forgetKept(id);
  const ended = await startJob(client, cellJob(id), 'notebooks.run', { queryId: id, sql: cell.source, ...(cell.name ? { name: cell.name } : {}) });
  if (ended.status === 'done') {
    recordQuery({ sql: cell.source, at: started, ms: ended.result.ms, rows: ended.result.rows });
    void keepRun(client, id, cell.source, ended.result, started);
    return true;
  }
  recordQuery({ sql: cell.source, at: started, error: ended.status === 'cancelled' ? 'cancelled' : ended.error.message.split('\n')[0] });
  return false;
}

/** Runs the SQL cells in order (from `from` on), stopping at the first that fails. */
export async function runCells(client: RpcClient, from?: string): Promise<void> {
  const cells = store.get().cells;
  const start = from ? cells.findIndex((c) => c.id === from) : 0;
  for (const c of cells.slice(Math.max(0, start))) if (!(await runCell(client, c.id))) return;
}
