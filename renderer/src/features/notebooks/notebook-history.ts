import { createStore } from '../../app/store';

/** A query as it ran: what, when, how long, and what came of it. */
export interface QueryRecord {
  sql: string;
  at: number;
  ms?: number;
  rows?: number;
  error?: string;
}

/** A notebook saved or opened lately, kept whole so it opens again from here. */
export interface RecentNotebook {
  name: string;
  text: string;
  at: number;
}

const QUERIES = 'hexwatch.notebook.history';
const RECENT = 'hexwatch.notebook.recent';
const KEEP_QUERIES = 200;
const KEEP_RECENT = 8;

function read<T>(key: string): T[] {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(key) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

const queries = createStore<QueryRecord[]>(read(QUERIES));
const recent = createStore<RecentNotebook[]>(read(RECENT));
export const useQueryHistory = queries.use;
export const useRecentNotebooks = recent.use;

/** Every run goes first in the history (the same SQL again moves up rather than repeating). */
export function recordQuery(r: QueryRecord): void {
  const next = [r, ...queries.get().filter((q) => q.sql !== r.sql)].slice(0, KEEP_QUERIES);
  queries.set(next);
  globalThis.localStorage?.setItem(QUERIES, JSON.stringify(next));
}

export function rememberNotebook(name: string, text: string, at = Date.now()): void {
  const next = [{ name, text, at }, ...recent.get().filter((n) => n.name !== name)].slice(0, KEEP_RECENT);
  recent.set(next);
  globalThis.localStorage?.setItem(RECENT, JSON.stringify(next));
}
