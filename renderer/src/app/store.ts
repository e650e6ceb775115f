import { useSyncExternalStore } from 'react';

/** A value outside React that components read with `use()` and re-render when it is replaced. */
export interface Store<T> {
  get(): T;
  set(next: T): void;
  subscribe(listener: () => void): () => void;
  use(): T;
}

/** The renderer's small stores (UI state, the draft, a backtest, an import report…) are all this one shape. */
export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  return {
    get: () => value,
    set(next) {
      value = next;
      for (const l of listeners) l();
    },
    subscribe,
    use: () => useSyncExternalStore(subscribe, () => value),
  };
}
