import { useSyncExternalStore } from 'react';

/** A value outside React that components read with `use()` and re-render when it is replaced. */
export interface Store<T> {
  get(): T;
  set(next: T): void;
  subscribe(listener: () => void): () => void;
  use(): T;
}

export interface StoreOptions {
  /**
   * Listeners hear of changes at most once per this many ms (the first change starts the wait, the last
   * one is what they read): a value that changes thousands of times a second re-renders a few times.
   */
  throttleMs?: number;
}

/** The renderer's small stores (UI state, the draft, a backtest, an import report, the live feed…) are all this one shape. */
export function createStore<T>(initial: T, options: StoreOptions = {}): Store<T> {
  let value = initial;
  let waiting = false;
  const listeners = new Set<() => void>();
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  const notify = () => {
    waiting = false;
    for (const l of listeners) l();
  };
  return {
    get: () => value,
    set(next) {
      value = next;
      if (!options.throttleMs) return notify();
      if (waiting) return;
      waiting = true;
      setTimeout(notify, options.throttleMs);
    },
    subscribe,
    use: () => useSyncExternalStore(subscribe, () => value),
  };
}
