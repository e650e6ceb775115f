import { tableFromIPC } from 'apache-arrow';
import type { ResultOf, RpcClient } from '../../../../shared/rpc';
import { createStore } from '../../app/store';
import { PAGE_ROWS, restorePages } from './result-pages';

/**
 * Each SQL cell's last result, kept in the browser's storage beside the notebook's autosave: the engine lets a
 * result go with the page that ran it (`notebooks.close`, or the connection closing), so after a reload the
 * cell shows what it answered then — its figures, its first page of rows, when it ran — until it runs again.
 */
export interface KeptRun {
  sql: string;
  /** When it ran (epoch ms). */
  at: number;
  summary: ResultOf<'notebooks.run'>;
  /** Rows in the history (positions and quarantine) just after it ran: another count now means the data moved on. */
  historyRows?: number;
  /** Its first rows (at most a page) as base64 Arrow IPC; none when they would not fit the storage. */
  preview?: string;
  previewRows: number;
}

const KEY = 'hexwatch.notebook.results';
/** A modest result is kept whole (the map and charts draw what they drew); a larger one, its first page. */
export const KEEP_WHOLE_ROWS = 10_000;
/** A cell of wide text columns may not fit: then its first page, and past this even that goes, keeping its figures. */
const MAX_PREVIEW_CHARS = 1_500_000;
const MAX_TOTAL_CHARS = 3_000_000;

function read(): Record<string, KeptRun> {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}') as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, KeptRun>) : {};
  } catch {
    return {}; // a damaged copy: the cells show no result until they run
  }
}

const store = createStore<Record<string, KeptRun>>(read());

/** The kept result of a cell, if any (a hook). */
export const useKeptRun = (cellId: string): KeptRun | undefined => store.use()[cellId];
export const keptRunOf = (cellId: string): KeptRun | undefined => store.get()[cellId];

function write(next: Record<string, KeptRun>): void {
  // Over the budget, the oldest results lose their rows first; their figures and "Run again" stay.
  const byAge = Object.entries(next).sort(([, a], [, b]) => a.at - b.at);
  let size = byAge.reduce((n, [, r]) => n + (r.preview?.length ?? 0), 0);
  for (const [id, r] of byAge) {
    if (size <= MAX_TOTAL_CHARS) break;
    size -= r.preview?.length ?? 0;
    next[id] = { ...r, preview: undefined, previewRows: 0 };
  }
  store.set(next);
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(next));
  } catch {
    // The storage is full: the results stay for this page only.
  }
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** The rows to keep, as base64 Arrow IPC: all of a modest result that fits, else its first page; none if even that does not. */
async function previewOf(client: RpcClient, cellId: string, rows: number): Promise<{ preview: string; rows: number } | undefined> {
  const read = async (limit: number) => {
    const page = await client.call('notebooks.page', { queryId: cellId, offset: 0, limit }).catch(() => undefined);
    return page && { preview: toBase64(new Uint8Array(page)), rows: Math.min(rows, limit) };
  };
  const whole = rows > PAGE_ROWS && rows <= KEEP_WHOLE_ROWS ? await read(rows) : undefined;
  if (whole && whole.preview.length <= MAX_PREVIEW_CHARS) return whole;
  const first = await read(PAGE_ROWS);
  return first && first.preview.length <= MAX_PREVIEW_CHARS ? first : undefined;
}

/** Keeps a cell's result just run: its figures, its rows (see previewOf), and how much data the history held. */
export async function keepRun(client: RpcClient, cellId: string, sql: string, summary: ResultOf<'notebooks.run'>, at: number): Promise<void> {
  const [kept, counts] = await Promise.all([previewOf(client, cellId, summary.rows), client.call('history.counts', {}).catch(() => undefined)]);
  write({
    ...store.get(),
    [cellId]: {
      sql,
      at,
      summary,
      ...(counts ? { historyRows: counts.hot + counts.archived + counts.quarantined } : {}),
      ...(kept ? { preview: kept.preview } : {}),
      previewRows: kept?.rows ?? 0,
    },
  });
}

/** Forgets a cell's kept result: it runs again, and what it answers next replaces it. */
export function forgetKept(cellId: string): void {
  if (!store.get()[cellId]) return;
  const { [cellId]: _gone, ...rest } = store.get();
  write(rest);
}

/** Forgets what cells no longer in the notebook had kept (a cell removed, another notebook opened). */
export function keepOnly(cellIds: readonly string[]): void {
  const all = store.get();
  if (Object.keys(all).every((id) => cellIds.includes(id))) return;
  write(Object.fromEntries(Object.entries(all).filter(([id]) => cellIds.includes(id))));
}

/** Puts the kept rows back where the grid, chart and map read a result (once, at start). */
export function restoreKeptRows(): void {
  for (const [id, r] of Object.entries(store.get())) {
    if (!r.preview) continue;
    try {
      restorePages(id, tableFromIPC(fromBase64(r.preview)));
    } catch {
      write({ ...store.get(), [id]: { ...r, preview: undefined, previewRows: 0 } });
    }
  }
}
