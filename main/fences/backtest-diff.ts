import type { FenceEvent } from '../../shared/fence-event';

/** An event's identity across two backtests of one fence: the same device, type and moment (the fence's id and version may differ). */
export const eventKey = (e: FenceEvent): string => `${e.device_id}\u0000${e.event_type}\u0000${e.timestamp}`;

/**
 * What `after` fires that `before` does not (gained) and the reverse (lost), as multisets keyed by
 * device, type and time: two identical events count twice, and one of them kept counts once lost.
 */
export function diffEvents(before: readonly FenceEvent[], after: readonly FenceEvent[]): { gained: FenceEvent[]; lost: FenceEvent[] } {
  const pending = new Map<string, number>();
  for (const e of before) pending.set(eventKey(e), (pending.get(eventKey(e)) ?? 0) + 1);
  const gained: FenceEvent[] = [];
  for (const e of after) {
    const n = pending.get(eventKey(e)) ?? 0;
    if (n > 0) pending.set(eventKey(e), n - 1);
    else gained.push(e);
  }
  const lost: FenceEvent[] = [];
  for (const e of before) {
    const n = pending.get(eventKey(e)) ?? 0;
    if (n > 0) {
      pending.set(eventKey(e), n - 1);
      lost.push(e);
    }
  }
  return { gained, lost };
}

/** Gained or lost events of a run: how many, by type, and the first `limit` in time order. */
export interface EventTally {
  events: number;
  byType: Record<string, number>;
  first: FenceEvent[];
}

export const emptyTally = (): EventTally => ({ events: 0, byType: {}, first: [] });

/** Adds events to a tally, keeping at most `limit` of them. */
export function tally(into: EventTally, events: readonly FenceEvent[], limit: number): void {
  for (const e of events) {
    into.events++;
    into.byType[e.event_type] = (into.byType[e.event_type] ?? 0) + 1;
    if (into.first.length < limit) into.first.push(e);
  }
}
