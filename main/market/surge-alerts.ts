import type { PayloadOf } from '../../shared/rpc';
import type { RoutedFenceEvent } from '../fences';
import type { SurgeCrossing } from './surge-watch';

/** Events of this fence are surge alerts: a market cell whose surge crossed `market.surgeAlert`. */
export const SURGE_FENCE = 'surge';

export type MarketChange = PayloadOf<'market.changed'>;

/** A tick's crossings as `market.changed` says them: each cell by its H3 index. */
export function surgeChange(at: number, threshold: number, crossings: readonly SurgeCrossing[], hexOf: (key: number) => string): MarketChange {
  return { at, threshold, crossings: crossings.map((c) => ({ hex: hexOf(c.key), rising: c.rising, surge: c.surge, supply: c.supply, demand: c.demand })) };
}

/**
 * A tick's crossings as events of the fence `surge`, for the targets that want surge alerts: the cell
 * is the device, at its centre; going over the threshold enters, falling back exits; the surge is the group.
 */
export function surgeAlerts(
  at: number,
  crossings: readonly SurgeCrossing[],
  cells: { hexOf(key: number): string; centre(key: number): readonly [number, number] },
  targets: readonly string[],
): RoutedFenceEvent[] {
  return crossings.map((c) => {
    const [lat, lon] = cells.centre(c.key);
    return {
      event_type: c.rising ? 'enter' : 'exit',
      fence_id: SURGE_FENCE,
      device_id: cells.hexOf(c.key),
      position: { lat, lon },
      timestamp: at,
      group: `surge x${c.surge.toFixed(2)}`,
      source: 'embedded',
      targets,
    };
  });
}
