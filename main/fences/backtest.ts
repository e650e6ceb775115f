import type { Fence } from '../../shared/fence';
import type { FenceEvent } from '../../shared/fence-event';
import { readArchivedPositions } from '../archive';
import { diffEvents, emptyTally, tally, type EventTally } from './backtest-diff';
import { FenceEngine } from './fence-engine';

export interface BacktestResult {
  positions: number;
  events: number;
  byType: Record<string, number>;
  /** Devices with the most events, most first. */
  byDevice: { device_id: string; events: number }[];
  /** The first events, in time order. */
  first: FenceEvent[];
  /** Events over time: `counts` in equal buckets from `from` to `to` (the range asked, else the events' own span). */
  timeline: { from: number; to: number; counts: number[] };
  /** Run with `compareWith` (the saved fence an edit started from): what it fired, and what the edit gains and loses against it. */
  difference?: { before: { events: number; byType: Record<string, number> }; gained: EventTally; lost: EventTally };
}

const TIMELINE_BUCKETS = 48;

/** Event times into equal buckets over [from, to]. */
export function timelineOf(times: readonly number[], from?: number, to?: number): BacktestResult['timeline'] {
  let lo = from ?? Infinity;
  let hi = to ?? -Infinity;
  if (from === undefined || to === undefined) for (const t of times) [lo, hi] = [Math.min(lo, from ?? t), Math.max(hi, to ?? t)];
  const counts = new Array<number>(TIMELINE_BUCKETS).fill(0);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { from: 0, to: 0, counts: [] };
  const span = Math.max(1, hi - lo);
  for (const t of times) if (t >= lo && t <= hi) counts[Math.min(TIMELINE_BUCKETS - 1, Math.floor(((t - lo) / span) * TIMELINE_BUCKETS))]! += 1;
  return { from: lo, to: hi, counts };
}

/**
 * What a draft fence would have fired over a time range of the Parquet archive, without deploying it:
 * the archived positions in time order through a fresh embedded engine holding only that fence.
 */
export async function backtest(
  dataDir: string,
  fence: Fence,
  range: { from?: number; to?: number },
  options: { limit?: number; topDevices?: number; signal?: AbortSignal; onProgress?: (positions: number) => void; compareWith?: Fence } = {},
): Promise<BacktestResult> {
  const result: BacktestResult = { positions: 0, events: 0, byType: {}, byDevice: [], first: [], timeline: { from: 0, to: 0, counts: [] } };
  const times: number[] = [];
  const limit = options.limit ?? 100;
  const engine = new FenceEngine([{ ...fence, enabled: true }]);
  const perDevice = new Map<string, number>();
  // The saved version beside the draft over the same positions, in one read of the archive.
  const saved = options.compareWith ? new FenceEngine([{ ...options.compareWith, enabled: true }]) : undefined;
  const difference = saved ? { before: emptyTally(), gained: emptyTally(), lost: emptyTally() } : undefined;
  try {
    await readArchivedPositions(
      dataDir,
      range,
      ({ ids, ts, lat, lon }) => {
        const fixes = ids.map((id, i) => ({ id, ts: ts[i], lat: lat[i], lon: lon[i] }));
        const events = engine.update(fixes);
        if (saved && difference) {
          // Both engines see each fix in the same batch, so an event both fire comes out of the same batch: diffed batch by batch.
          const before = saved.update(fixes);
          tally(difference.before, before, 0);
          const { gained, lost } = diffEvents(before, events);
          tally(difference.gained, gained, limit);
          tally(difference.lost, lost, limit);
        }
        for (const e of events) {
          result.events++;
          result.byType[e.event_type] = (result.byType[e.event_type] ?? 0) + 1;
          perDevice.set(e.device_id, (perDevice.get(e.device_id) ?? 0) + 1);
          times.push(e.timestamp);
          if (result.first.length < limit) result.first.push(e);
        }
        result.positions += fixes.length;
        options.onProgress?.(result.positions);
      },
      options.signal,
    );
  } catch (err) {
    if (options.signal?.aborted) throw new Error('backtest cancelled');
    throw err;
  }
  result.timeline = timelineOf(times, range.from, range.to);
  if (difference)
    result.difference = { before: { events: difference.before.events, byType: difference.before.byType }, gained: difference.gained, lost: difference.lost };
  result.byDevice = [...perDevice]
    .map(([device_id, events]) => ({ device_id, events }))
    .sort((a, b) => b.events - a.events || (a.device_id < b.device_id ? -1 : 1))
    .slice(0, options.topDevices ?? 50);
  return result;
}

/** One device's archived positions over [from, to), the first `limit` of them: its track through a backtested fence. */
export async function archivedTrack(
  dataDir: string,
  device: string,
  range: { from?: number; to?: number },
  limit: number,
): Promise<{ points: { ts: number; lat: number; lon: number }[]; truncated: boolean }> {
  const points: { ts: number; lat: number; lon: number }[] = [];
  let truncated = false;
  const stop = new AbortController();
  try {
    await readArchivedPositions(
      dataDir,
      { ...range, device },
      ({ ts, lat, lon }) => {
        for (let i = 0; i < ts.length; i++) {
          if (points.length === limit) {
            truncated = true;
            stop.abort();
            return;
          }
          points.push({ ts: ts[i]!, lat: lat[i]!, lon: lon[i]! });
        }
      },
      stop.signal,
    );
  } catch (err) {
    if (!stop.signal.aborted) throw err;
  }
  return { points, truncated };
}
