import type { Fence } from '../../shared/fence';
import type { FenceEvent } from '../../shared/fence-event';

/** Events per (device, fence), as `type@time` in order: how two deciders' answers are compared. */
export function eventsByPair(events: readonly FenceEvent[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const e of events) {
    const k = `${e.device_id} | ${e.fence_id}`;
    m.set(k, [...(m.get(k) ?? []), `${e.event_type}@${e.timestamp}`]);
  }
  return m;
}

/** The pairs whose event sequences differ between two answers, with both sides (the first `limit`). */
export function differingPairs(got: Map<string, string[]>, want: Map<string, string[]>, limit = 5): { pair: string; tile38?: string[]; embedded?: string[] }[] {
  return [...new Set([...got.keys(), ...want.keys()])]
    .filter((k) => JSON.stringify(got.get(k)) !== JSON.stringify(want.get(k)))
    .slice(0, limit)
    .map((pair) => ({ pair, tile38: got.get(pair), embedded: want.get(pair) }));
}

/**
 * A fence off to the side that a last fix enters: its event arrives after every event the fixes before it
 * caused, so a test knows Tile38 has said all it will.
 */
export function sentinelFence(bbox: [number, number, number, number]): Fence {
  return { id: 'zz-sentinel', name: 'sentinel', geometry: { type: 'Rectangle', bbox }, detect: ['enter'], targets: [], enabled: true, version: 1 };
}
