import type { z } from 'zod';
import type { RpcClient } from '../../../shared/rpc';
import type { Store } from './store';

/**
 * The analyst's choices kept in the engine's `preferences.json` (shared/rpc/preferences.ts), so a reload,
 * a new start and another window find them. A store's fields are declared here with a schema each: a
 * saved value that no longer fits (an older version's, a hand-edited file) is ignored for the default.
 */
interface Slice {
  prefix: string;
  store: Store<Record<string, unknown>>;
  fields: Record<string, z.ZodType>;
  /** What was last loaded or saved, per field, as JSON: a change is saved once, a remote value not echoed. */
  saved: Map<string, string>;
}

const slices: Slice[] = [];
let loaded: Record<string, unknown> | undefined;
let client: RpcClient | undefined;
const pending = new Map<string, unknown>();
let timer: ReturnType<typeof setTimeout> | undefined;
const SAVE_DELAY_MS = 300;

/** Keeps `fields` of `store` as preferences `<prefix>.<field>`. */
export function persistFields<T extends object>(store: Store<T>, prefix: string, fields: { [K in keyof T]?: z.ZodType<T[K]> }): void {
  const slice: Slice = { prefix, store: store as unknown as Store<Record<string, unknown>>, fields: fields as Record<string, z.ZodType>, saved: new Map() };
  // Only what the analyst changes is saved: a default stays a default, free to improve in a later version.
  for (const field of Object.keys(slice.fields)) slice.saved.set(field, JSON.stringify(slice.store.get()[field] ?? null));
  slices.push(slice);
  if (loaded) apply(slice, loaded);
  store.subscribe(() => {
    const value = slice.store.get();
    for (const field of Object.keys(slice.fields)) {
      const json = JSON.stringify(value[field] ?? null);
      if (slice.saved.get(field) === json) continue;
      slice.saved.set(field, json);
      save(`${prefix}.${field}`, value[field] ?? null);
    }
  });
}

/** Loads every preference once the engine is reachable, and follows what other windows save; call once at start. */
export async function loadPreferences(rpc: RpcClient): Promise<void> {
  client = rpc;
  rpc.subscribe('preferences.changed', ({ key, value }) => {
    for (const slice of slices) if (key.startsWith(`${slice.prefix}.`)) apply(slice, { [key]: value });
  });
  try {
    loaded = (await rpc.call('preferences.get', {})).values;
  } catch {
    loaded = {}; // the defaults: an engine without preferences still runs the workstation
  }
  for (const slice of slices) apply(slice, loaded);
}

function apply(slice: Slice, values: Record<string, unknown>): void {
  const patch: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(slice.fields)) {
    const key = `${slice.prefix}.${field}`;
    if (!(key in values)) continue;
    const parsed = schema.safeParse(values[key]);
    if (!parsed.success) continue;
    slice.saved.set(field, JSON.stringify(parsed.data ?? null));
    patch[field] = parsed.data;
  }
  if (Object.keys(patch).length > 0) slice.store.set({ ...slice.store.get(), ...patch });
}

/** Saves at once, then at most every SAVE_DELAY_MS while a slider or a drag keeps changing it; what waits goes before the page does. */
function save(key: string, value: unknown): void {
  pending.set(key, value);
  if (timer) return;
  send();
  timer = setTimeout(() => {
    timer = undefined;
    if (pending.size > 0) send();
  }, SAVE_DELAY_MS);
}

function send(): void {
  const batch = [...pending];
  pending.clear();
  for (const [k, v] of batch) void client?.call('preferences.set', { key: k, value: v as never }).catch(() => undefined);
}

globalThis.addEventListener?.('pagehide', send);
