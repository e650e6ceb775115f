import { useRpc } from '../../engine';

const NONE = new Array<number>(15).fill(0);

/**
 * Each fence's events in the last hour and per minute over the last 15, as the engine counted them in the
 * queue's log (`deliveries.fenceEvents`): every version of a fence counts (it keeps its id), and a reload
 * or a second window shows the same figures. Refreshed with the queue's figures.
 */
export function useFenceEventCounts(): { lastHour(id: string): number | undefined; perMinute(id: string): number[] } {
  const { data } = useRpc('deliveries.fenceEvents', {}, { refreshOn: ['deliveries.changed'] });
  return {
    lastHour: (id) => (data ? (data.fences[id]?.last_hour ?? 0) : undefined),
    perMinute: (id) => data?.fences[id]?.per_minute ?? NONE,
  };
}
