import type { Handlers } from '../rpc';
import type { HistoryStore } from './history-store';

/**
 * The history's RPC methods. `history` is a function so that an engine without NATS ingest (and so
 * without history) answers every call with why.
 */
export function historyHandlers<C>(history: () => HistoryStore, clock: () => number): Pick<Handlers<C>, 'history.counts' | 'history.roll'> {
  return {
    'history.counts': () => history().counts(),
    'history.roll': () => history().roll(clock()),
  };
}
