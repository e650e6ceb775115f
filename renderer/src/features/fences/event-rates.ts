import { createStore } from '../../app/store';

const MINUTES = 15;

/**
 * Each fence's events per minute over the last 15 minutes, counted from the live feed since the
 * workstation opened (the list's sparklines and its sort by events in the last hour use them).
 */
const buckets = new Map<string, { minute: number; counts: number[] }>();
const hour = new Map<string, number[]>();
// At most one re-render a second, whatever the event rate.
const version = createStore(0, { throttleMs: 1000 });

export function countEvent(fenceId: string, ts: number): void {
  const minute = Math.floor(ts / 60_000);
  let b = buckets.get(fenceId);
  if (!b) buckets.set(fenceId, (b = { minute, counts: new Array<number>(MINUTES).fill(0) }));
  if (minute > b.minute) {
    const shift = Math.min(MINUTES, minute - b.minute);
    b.counts.splice(0, shift);
    b.counts.push(...new Array<number>(shift).fill(0));
    b.minute = minute;
  }
  const at = MINUTES - 1 - (b.minute - minute);
  if (at >= 0) b.counts[at]! += 1;
  const times = hour.get(fenceId) ?? [];
  times.push(ts);
  while (times.length && times[0]! < ts - 3_600_000) times.shift();
  hour.set(fenceId, times);
  version.set(version.get() + 1);
}

/** Per minute, oldest first: the last 15 minutes of a fence's events. */
export function minuteCounts(fenceId: string, now = Date.now()): number[] {
  const b = buckets.get(fenceId);
  if (!b) return new Array<number>(MINUTES).fill(0);
  const shift = Math.min(MINUTES, Math.floor(now / 60_000) - b.minute);
  return [...b.counts.slice(shift), ...new Array<number>(shift).fill(0)];
}

export function lastHour(fenceId: string, now = Date.now()): number {
  return (hour.get(fenceId) ?? []).filter((t) => t >= now - 3_600_000).length;
}

export const useEventRates = version.use;
