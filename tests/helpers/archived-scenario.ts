import type { Fence } from '../../shared/fence';
import { FenceEngine } from '../../main/fences/fence-engine';
import { HistoryStore, type PositionRow } from '../../main/history';
import { fenceScenario } from './fence-scenario';

/**
 * The fence scenario's fixes written into a data dir's history and rolled into the Parquet archive, one
 * every `stepMs` from five hours ago; the fence they give the most events: a backtest with something to show.
 */
export async function archiveFenceScenario(
  dataDir: string,
  options: { devices: number; fixesPerDevice: number; stepMs: number },
): Promise<{ fence: Fence; archived: number }> {
  const { fences, fixes } = fenceScenario({ devices: options.devices, fixesPerDevice: options.fixesPerDevice });
  const start = Date.now() - 5 * 3_600_000;
  const rows: PositionRow[] = fixes.map((f, i) => ({
    seq: BigInt(i + 1),
    device_id: f.id,
    ts: start + i * options.stepMs,
    lat: f.lat,
    lon: f.lon,
    h3: 0x8f2a100d2c6c0ffn,
  }));
  const store = await HistoryStore.open({ dataDir, graceMs: 0 });
  await store.commit({ stream: 'S', rows, quarantined: [], highWater: BigInt(rows.length) });
  await store.roll(Date.now());
  await store.close();
  const moved = fixes.map((f, i) => ({ ...f, ts: rows[i]!.ts }));
  const events = new Map(fences.map((f) => [f, new FenceEngine([f]).update(moved).length]));
  return { fence: [...fences].sort((a, b) => events.get(b)! - events.get(a)!)[0]!, archived: rows.length };
}
