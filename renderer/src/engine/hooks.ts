import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import {
  invalidatesOf,
  RpcError,
  type ChannelName,
  type JobMethod,
  type MethodName,
  type ParamsOf,
  type PayloadOf,
  type ResultOf,
  type RpcClient,
} from '../../../shared/rpc';
import { createStore } from '../app/store';
import type { ConnectionState } from './connect';
import { useEngine } from './EngineContext';
import { cancelJob, idleJob, jobStore, runJob, type JobOutcome, type JobParams, type JobState } from './jobs';

/**
 * The renderer's one way to read the engine: `useRpc` caches each answer by method and params (every
 * component asking the same question shares one call), and refreshes it when one of its change
 * channels fires, when the connection comes back, or when a mutation says so.
 */
interface Entry {
  data?: unknown;
  error?: RpcError;
  loading: boolean;
  version: number;
  /** Components showing this answer now: one arriving at an answer nobody showed asks again (its change channels went unheard meanwhile). */
  watchers: number;
  inflight?: Promise<void>;
  /** A refresh asked while one was in flight: that answer may predate the change, so one more call follows it. */
  again?: boolean;
  listeners: Set<() => void>;
}

const cache = new Map<string, Entry>();
const keyOf = (method: string, params: unknown) => `${method} ${JSON.stringify(params ?? {})}`;

function entryOf(key: string): Entry {
  let e = cache.get(key);
  if (!e) cache.set(key, (e = { loading: false, version: 0, watchers: 0, listeners: new Set() }));
  return e;
}

function load(client: RpcClient, key: string, method: MethodName, params: unknown): void {
  const e = entryOf(key);
  if (e.inflight) {
    e.again = true;
    return;
  }
  e.loading = true;
  e.inflight = client
    .call(method, params as never)
    .then(
      (data) => {
        e.data = data;
        e.error = undefined;
      },
      (err: unknown) => {
        e.error = err instanceof RpcError ? err : new RpcError({ code: 'internal', message: String(err) });
      },
    )
    .finally(() => {
      e.loading = false;
      e.inflight = undefined;
      e.version++;
      for (const l of e.listeners) l();
      if (e.again) {
        e.again = false;
        load(client, key, method, params);
      }
    });
}

/** Marks every cached answer of these methods (all when none given) stale: what is shown refreshes. */
export function invalidate(client: RpcClient, methods?: readonly MethodName[]): void {
  for (const [key, e] of cache) {
    const method = key.slice(0, key.indexOf(' ')) as MethodName;
    if (methods && !methods.includes(method)) continue;
    if (e.listeners.size > 0) load(client, key, method, JSON.parse(key.slice(key.indexOf(' ') + 1)));
    else cache.delete(key);
  }
}

/** Calls a method that changes something, then refreshes the answers its contract entry says it makes stale (`invalidates`). */
export async function mutate<M extends MethodName>(client: RpcClient, method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
  const result = await client.call(method, params);
  invalidate(client, invalidatesOf(method));
  return result;
}

export interface RpcState<M extends MethodName> {
  data?: ResultOf<M>;
  error?: RpcError;
  loading: boolean;
  refresh(): void;
}

export function useRpc<M extends MethodName>(
  method: M,
  params: ParamsOf<M>,
  options: { refreshOn?: readonly ChannelName[]; enabled?: boolean } = {},
): RpcState<M> {
  const { client, onReopen } = useEngine();
  const key = keyOf(method, params);
  const enabled = options.enabled ?? true;
  const paramsRef = useRef(params);
  paramsRef.current = params;
  const subscribe = useCallback(
    (notify: () => void) => {
      const e = entryOf(key);
      e.listeners.add(notify);
      return () => e.listeners.delete(notify);
    },
    [key],
  );
  useSyncExternalStore(subscribe, () => entryOf(key).version);
  const refresh = useCallback(() => load(client, key, method, paramsRef.current), [client, key, method]);
  useEffect(() => {
    if (!enabled) return;
    const e = entryOf(key);
    // Kept but unwatched, an answer may be stale: the old one shows while the new is asked.
    if (e.watchers++ === 0 && !e.inflight) refresh();
    // A change channel fires often (status: every second): refreshes are at most one in flight per key.
    const offs = (options.refreshOn ?? []).map((c) => client.subscribe(c, refresh));
    offs.push(onReopen(refresh));
    return () => {
      e.watchers--;
      offs.forEach((off) => off());
    };
  }, [client, onReopen, key, enabled, refresh, (options.refreshOn ?? []).join()]);
  const e = entryOf(key);
  return { data: e.data as ResultOf<M> | undefined, error: e.error, loading: e.loading, refresh };
}

/** Calls `listener` for every payload on `channel` while mounted. */
export function useChannel<C extends ChannelName>(channel: C, listener: (payload: PayloadOf<C>) => void): void {
  const { client } = useEngine();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => client.subscribe(channel, (p) => ref.current(p)), [client, channel]);
}

/** The latest payload of a channel (undefined until one arrives). */
export function useChannelValue<C extends ChannelName>(channel: C): PayloadOf<C> | undefined {
  const [value, setValue] = useState<PayloadOf<C>>();
  useChannel(channel, setValue);
  return value;
}

export interface Mutation<M extends MethodName> {
  run(params: ParamsOf<M>): Promise<ResultOf<M>>;
  pending: boolean;
  error?: RpcError;
}

/** A call that changes something: pending and error state for the UI, and the answers its contract entry says it makes stale refreshed after. */
export function useMutation<M extends MethodName>(method: M): Mutation<M> {
  const { client } = useEngine();
  const [state, setState] = useState<{ pending: boolean; error?: RpcError }>({ pending: false });
  const run = useCallback(
    async (params: ParamsOf<M>) => {
      setState({ pending: true });
      try {
        const result = await mutate(client, method, params);
        setState({ pending: false });
        return result;
      } catch (err) {
        const error = err instanceof RpcError ? err : new RpcError({ code: 'internal', message: String(err) });
        setState({ pending: false, error });
        throw error;
      }
    },
    [client, method],
  );
  return { run, ...state };
}

export interface Job<M extends JobMethod> extends JobState<M> {
  running: boolean;
  /** Starts the job (cancelling the one still running here): resolves with how it ended, never rejects. */
  start(params: JobParams<M>): Promise<JobOutcome<M>>;
  /** Asks the engine to stop it: it then ends as cancelled. */
  cancel(): Promise<boolean>;
}

/**
 * A long call as a job (jobs.ts): its id made here, its progress followed, cancelled on demand, and a
 * cancel told from a failure by the error's code. With a `key`, its state lives outside React under it,
 * so a job whose screen closes while it runs is there again when the screen reopens (the backtest);
 * without, it lives and goes with the component.
 */
export function useJob<M extends JobMethod>(method: M, key?: string): Job<M> {
  const { client } = useEngine();
  const [own] = useState(() => createStore<JobState<M>>(idleJob<M>()));
  const store = key === undefined ? own : jobStore<M>(key);
  const state = store.use();
  const start = useCallback((params: JobParams<M>) => runJob(client, store, method, params), [client, store, method]);
  const cancel = useCallback(() => cancelJob(client, store), [client, store]);
  return { ...state, running: state.status === 'running', start, cancel };
}

/** The connection to the engine: open, connecting, or closed with when it retries. */
export function useConnection(): ConnectionState {
  const { onState } = useEngine();
  const [state, setState] = useState<ConnectionState>({ state: 'connecting' });
  useEffect(() => onState(setState), [onState]);
  return state;
}
