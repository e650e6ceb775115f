import { useSyncExternalStore } from 'react';
import type { FenceInput } from '../../../../shared/fence';
import type { ResultOf, RpcClient } from '../../../../shared/rpc';

export type BacktestResult = ResultOf<'fences.backtest'>;

/** The backtest of the draft: running (positions read so far), its result (drawn on the map too), or why it stopped. */
export interface BacktestState {
  runId?: string;
  positions: number;
  result?: BacktestResult;
  error?: string;
  cancelled?: boolean;
}

let state: BacktestState = { positions: 0 };
const listeners = new Set<() => void>();
const publish = (next: BacktestState) => {
  state = next;
  for (const l of listeners) l();
};

export function useBacktest(): BacktestState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}

export const clearBacktest = () => publish({ positions: 0 });

/** Runs a backtest of `fence` over [from, to): progress from the engine's channel, one run at a time. */
export async function runBacktest(client: RpcClient, fence: FenceInput, range: { from?: number; to?: number }): Promise<void> {
  if (state.runId) await cancelBacktest(client);
  const runId = `bt-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  publish({ runId, positions: 0 });
  const off = client.subscribe('fences.backtest.progress', (p) => {
    if (p.runId === state.runId) publish({ ...state, positions: p.positions });
  });
  try {
    const result = await client.call('fences.backtest', { fence, ...range, limit: 1000, runId });
    if (state.runId === runId) publish({ positions: result.positions, result });
  } catch (err) {
    if (state.runId === runId) {
      const message = (err as Error).message;
      publish({ positions: state.positions, ...(/cancelled/.test(message) ? { cancelled: true } : { error: message }) });
    }
  } finally {
    off();
  }
}

export async function cancelBacktest(client: RpcClient): Promise<void> {
  const { runId } = state;
  if (runId) await client.call('fences.backtestCancel', { runId });
}
