import type { FenceInput } from '../../../../shared/fence';
import type { ResultOf, RpcClient } from '../../../../shared/rpc';
import { createStore } from '../../app/store';

export type BacktestResult = ResultOf<'fences.backtest'>;

/** The backtest of the draft: running (positions read so far), its result (drawn on the map too), or why it stopped. */
export interface BacktestState {
  runId?: string;
  positions: number;
  result?: BacktestResult;
  error?: string;
  cancelled?: boolean;
  /** The range it ran over (a device's track is read over the same). */
  range?: { from?: number; to?: number };
  /** A device picked from the result: its archived track over the range, drawn through the fence. */
  track?: { device: string; points: { lat: number; lon: number }[]; truncated: boolean };
}

const store = createStore<BacktestState>({ positions: 0 });
const publish = store.set;
export const useBacktest = store.use;

export const clearBacktest = () => publish({ positions: 0 });

/** Runs a backtest of `fence` over [from, to): progress from the engine's channel, one run at a time. */
export async function runBacktest(client: RpcClient, fence: FenceInput, range: { from?: number; to?: number }): Promise<void> {
  if (store.get().runId) await cancelBacktest(client);
  const runId = `bt-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  publish({ runId, positions: 0, range });
  const off = client.subscribe('fences.backtestProgress', (p) => {
    if (p.runId === store.get().runId) publish({ ...store.get(), positions: p.positions });
  });
  try {
    const result = await client.call('fences.backtest', { fence, ...range, limit: 1000, runId });
    if (store.get().runId === runId) publish({ positions: result.positions, result, range });
  } catch (err) {
    if (store.get().runId === runId) {
      const message = (err as Error).message;
      publish({ positions: store.get().positions, ...(/cancelled/.test(message) ? { cancelled: true } : { error: message }) });
    }
  } finally {
    off();
  }
}

export async function cancelBacktest(client: RpcClient): Promise<void> {
  const { runId } = store.get();
  if (runId) await client.call('fences.backtestCancel', { runId });
}

/** Shows (or, picked again, hides) a device's track over the backtest's range. */
export async function toggleBacktestTrack(client: RpcClient, device: string): Promise<void> {
  const state = store.get();
  if (state.track?.device === device) return publish({ ...state, track: undefined });
  try {
    const { points, truncated } = await client.call('fences.backtestTrack', { device_id: device, ...state.range });
    if (store.get().result === state.result) publish({ ...store.get(), track: { device, points, truncated } });
  } catch (err) {
    publish({ ...store.get(), error: `Cannot read ${device}'s track: ${(err as Error).message}` });
  }
}
