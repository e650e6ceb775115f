import { z } from 'zod';
import { persistFields } from '../../app/preferences';
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

const QuerySchema = z.object({ sql: z.string(), at: z.number(), ms: z.number().optional(), rows: z.number().optional(), error: z.string().optional() });
const RecentSchema = z.object({ name: z.string(), text: z.string(), at: z.number() });

/** Kept in the browser's storage and in the engine's preferences: a new start in web mode is a new origin with empty storage. */
const kept = createStore<{ queries: QueryRecord[]; recent: RecentNotebook[] }>({ queries: read(QUERIES), recent: read(RECENT) });
persistFields(kept, 'notebooks', { queries: z.array(QuerySchema), recent: z.array(RecentSchema) });
export const useQueryHistory = (): QueryRecord[] => kept.use().queries;
export const useRecentNotebooks = (): RecentNotebook[] => kept.use().recent;

/** Every run goes first in the history (the same SQL again moves up rather than repeating). */
export function recordQuery(r: QueryRecord): void {
  const next = [r, ...kept.get().queries.filter((q) => q.sql !== r.sql)].slice(0, KEEP_QUERIES);
  kept.set({ ...kept.get(), queries: next });
  globalThis.localStorage?.setItem(QUERIES, JSON.stringify(next));
}

export function rememberNotebook(name: string, text: string, at = Date.now()): void {
  const next = [{ name, text, at }, ...kept.get().recent.filter((n) => n.name !== name)].slice(0, KEEP_RECENT);
  kept.set({ ...kept.get(), recent: next });
  globalThis.localStorage?.setItem(RECENT, JSON.stringify(next));
}
