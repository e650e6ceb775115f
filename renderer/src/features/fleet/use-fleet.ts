import { useSyncExternalStore } from 'react';
import type { FleetList } from '../../../../shared/rpc';
import { useRpc } from '../../engine';
import { fleetFigures, type FleetFigures } from './fleet-figures';

/** The fleet as the engine sees it: at once when who is in or who owns what changes, and every second for the figures. */
export const useFleet = () => useRpc('fleet.list', {}, { refreshOn: ['fleet.changed', 'status.changed'] });

// One clock for the Fleet view and the pill: ages tick every second even when no answer comes, and both read the same moment.
const TICK_MS = 1000;
let tick = Date.now();
const tickers = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
function subscribeTick(notify: () => void): () => void {
  tickers.add(notify);
  timer ??= setInterval(() => {
    tick = Date.now();
    tickers.forEach((n) => n());
  }, TICK_MS);
  return () => {
    tickers.delete(notify);
    if (tickers.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** When each answer arrived here: its `at` is the engine's clock, so the view's now is that plus the time since. */
const arrivals = new WeakMap<FleetList, number>();
const latest = new WeakMap<FleetList, { at: number; figures: FleetFigures }>();

/** The fleet answer and its figures at the ticking now; the panel and the pill share one computation per tick. */
export function useFleetFigures(): { list?: FleetList; figures?: FleetFigures; error?: Error } {
  const { data: list, error } = useFleet();
  const now = useSyncExternalStore(subscribeTick, () => tick);
  if (!list) return { error };
  if (!arrivals.has(list)) arrivals.set(list, Date.now());
  const at = list.at + Math.max(0, now - arrivals.get(list)!);
  let cached = latest.get(list);
  if (!cached || cached.at !== at) latest.set(list, (cached = { at, figures: fleetFigures(list, at) }));
  return { list, figures: cached.figures, error };
}
