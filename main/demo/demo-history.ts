import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Fence } from '../../shared/fence';
import { archiveMarketSnapshots, archivePastFenceEvents, type LoggedEvent } from '../archive';
import type { Config } from '../config';
import { FenceEngine, type Fix } from '../fences';
import { indexPosition } from '../heatmap';
import { PositionBatch } from '../history';
import { MarketTimeline } from '../market';
import { DemandSimulator, WalkersPast } from '../simulator';

/** Parts of the archive the demo wrote are named `part-demo-…`, so they are found again to be cleared. */
export const DEMO_TAG = 'demo';
/** A fix per device at most this often: enough for playback and backtests, a few MB a day. */
const MIN_INTERVAL_MS = 30_000;
/** The demo's positions at most: a larger fleet or a longer stretch reports less often. */
const MAX_POSITIONS = 1_000_000;
/** Positions per batch handed to the history (and between two turns of the event loop). */
const BATCH_POSITIONS = 20_000;
/** Each step's fixes reach the market in this many slices, so its ticks fall between them as they would live. */
const MARKET_SLICES = 6;

export interface DemoHistoryOptions {
  simulator: Config['simulator'];
  /** The market's settings when it runs: its minute snapshots are written over the demo too. */
  market?: Config['market'];
  /** The demo ends here (the live simulator's start) and begins `simulator.backfillH` hours before. */
  to: number;
  fences: readonly Fence[];
  dataDir: string;
  history: { commitAll(batches: AsyncIterable<PositionBatch>): Promise<number> };
  onProgress?: (share: number) => void;
  signal?: AbortSignal;
}

export interface DemoHistory {
  from: number;
  positions: number;
  events: number;
  marketMinutes: number;
}

/** How often each walker reports in the demo: every 30 s, less often when that would pass MAX_POSITIONS. */
export function demoInterval(devices: number, hours: number): number {
  return Math.max(MIN_INTERVAL_MS, Math.ceil((devices * hours * 3_600_000) / MAX_POSITIONS / 1000) * 1000);
}

/**
 * The simulator's walkers over the `backfillH` hours before `to`, as history: their positions committed
 * to the hot table in one transaction (rolled into the archive like any other hour by the caller), the
 * enter and exit events the fences would have fired over them (archived as history, never delivered),
 * and the market's minute snapshots as the live market would have kept them. In time order, a batch at
 * a time between turns of the event loop, so the live engine runs on meanwhile.
 */
export async function writeDemoHistory(o: DemoHistoryOptions): Promise<DemoHistory> {
  const { simulator: s } = o;
  // After whatever the engine's start has queued (the server's listen): the demo never delays serving.
  await nextTurn();
  const past = new WalkersPast(s, o.to, s.backfillH, demoInterval(s.devices, s.backfillH));
  const fences = new FenceEngine(o.fences.map((f) => ({ ...f, enabled: true })));
  const market = o.market && new MarketTimeline(o.market, past.from);
  const requests =
    market && s.demandPerSec > 0 ? new DemandSimulator({ center: s.center, radiusKm: s.radiusKm }, s.hotspots, s.seed, `demo-req-${s.fleet}`) : undefined;
  const events: LoggedEvent[] = [];
  let asked = 0;
  const cell = new Uint32Array(2);

  /** One step's fixes: rows for the history, through the fences and into the market in time order. */
  const step = (k: number, rows: PositionBatch) => {
    const first = rows.length;
    const fixes: Fix[] = new Array(past.devices);
    for (let i = 0; i < past.devices; i++) {
      const at = k * past.devices + i;
      const [ts, lat, lon] = [past.timeOf(k, i), past.lat[at]!, past.lon[at]!];
      indexPosition(lat, lon, cell);
      rows.add(0, past.ids[i]!, ts, lat, lon, cell[0], cell[1], past.speed[at], past.heading[at], NaN, past.kinds[i]!);
      fixes[i] = { id: past.ids[i]!, ts, lat, lon };
    }
    for (const e of fences.update(fixes)) {
      const { event_type, fence_id, device_id, position, timestamp: ts, source } = e;
      events.push({ id: 0, event_type, fence_id, device_id, ts, lat: position.lat, lon: position.lon, grp: null, source });
    }
    if (!market) return;
    const slice = Math.ceil(past.devices / MARKET_SLICES);
    for (let i = 0; i < past.devices; i += slice) {
      const t = past.timeOf(k, i);
      market.advance(t);
      market.addPositions(rows, first + i, first + Math.min(past.devices, i + slice));
      // The requests due by t at the configured rate (owed whole, not capped as the live pacing is).
      const due = Math.floor(((t - past.from) / 1000) * s.demandPerSec) - asked;
      if (requests && due > 0) {
        // Everyday requests beside the walkers that are supply, as the live simulator makes them.
        const supply = fixes.slice(i, i + slice).filter((_, j) => past.kinds[i + j] !== 'demand');
        market.addDemand(requests.take(due, t, supply));
        asked += due;
      }
    }
  };

  const stepsPerBatch = Math.max(1, Math.floor(BATCH_POSITIONS / past.devices));
  async function* batches(): AsyncGenerator<PositionBatch> {
    for (let k = 0; k < past.steps; k += stepsPerBatch) {
      if (o.signal?.aborted) throw new Error('the demo history was stopped');
      const rows = new PositionBatch(stepsPerBatch * past.devices);
      for (let j = k; j < Math.min(past.steps, k + stepsPerBatch); j++) step(j, rows);
      // The positions are most of the work; the archive's parts and the roll after them the rest.
      o.onProgress?.((0.85 * Math.min(past.steps, k + stepsPerBatch)) / past.steps);
      yield rows;
      // The live simulator, the server and the status go on between batches.
      await nextTurn();
    }
  }

  const positions = await o.history.commitAll(batches());
  market?.advance(o.to);
  const snapshots = market?.takeSnapshots() ?? [];
  await archivePastFenceEvents(o.dataDir, events, DEMO_TAG);
  if (snapshots.length) await archiveMarketSnapshots(o.dataDir, snapshots, DEMO_TAG);
  o.onProgress?.(0.9);
  return { from: past.from, positions, events: events.length, marketMinutes: snapshots.length };
}
