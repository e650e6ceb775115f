import type { FenceInput } from '../../../../shared/fence';
import type { RpcClient } from '../../../../shared/rpc';
import { createStore } from '../../app/store';
import { resetJob } from '../../engine';

/**
 * The backtest of the draft runs as a job under this key (`useJob('fences.backtest', BACKTEST_JOB)`): running
 * (positions read so far), its result (drawn on the map too), or why it stopped. It runs on while the Fences
 * panel is closed, and shows again when it reopens.
 */
export const BACKTEST_JOB = 'fences.backtest';

/** What goes with a run: the range it ran over (a device's track is read over the same), and a device picked from its result. */
export interface BacktestExtras {
  range?: { from?: number; to?: number };
  /** A device picked from the result: its archived track over the range, drawn through the fence. */
  track?: { device: string; points: { lat: number; lon: number }[]; truncated: boolean };
  /** Why a device's track could not be read. */
  trackError?: string;
}

const store = createStore<BacktestExtras>({});
export const useBacktestExtras = store.use;

/** A backtest belongs to its draft: when the draft goes, so does what it showed. */
export function clearBacktest(): void {
  resetJob(BACKTEST_JOB);
  store.set({});
}

/** A new run over `range`: its params, and a fresh start for what goes with it. */
export function backtestParams(fence: FenceInput, range: { from?: number; to?: number }, compareWith?: FenceInput) {
  store.set({ range });
  return { fence, ...range, limit: 1000, ...(compareWith ? { compareWith } : {}) };
}

/** Shows (or, picked again, hides) a device's track over the backtest's range. */
export async function toggleBacktestTrack(client: RpcClient, device: string): Promise<void> {
  const extras = store.get();
  if (extras.track?.device === device) return store.set({ ...extras, track: undefined });
  try {
    const { points, truncated } = await client.call('fences.backtestTrack', { device_id: device, ...extras.range });
    if (store.get().range === extras.range) store.set({ ...store.get(), track: { device, points, truncated }, trackError: undefined });
  } catch (err) {
    store.set({ ...store.get(), trackError: `Cannot read ${device}'s track: ${(err as Error).message}` });
  }
}
