import { afterEach, beforeEach, expect, it } from 'vitest';
import { HistoryStore, type PositionRow } from '../history';
import { tempDir } from '../../tests/helpers/history-fixtures';
import { fenceScenario } from '../../tests/helpers/fence-scenario';
import { archivedTrack, backtest } from './backtest';
import { diffEvents } from './backtest-diff';
import { FenceEngine } from './fence-engine';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

it('what a draft fence would have fired over the archive equals the engine over the same positions', async () => {
  const { fences, fixes } = fenceScenario({ devices: 60, fixesPerDevice: 40 });
  // Spread the fixes over three hours so the archive has several partitions.
  const positions = fixes.map((f, i) => ({ ...f, ts: Date.UTC(2026, 0, 5, 8) + i * 3000 }));
  const store = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
  const rows: PositionRow[] = positions.map((p, i) => ({ seq: BigInt(i + 1), device_id: p.id, ts: p.ts, lat: p.lat, lon: p.lon, h3: 0x8f2a100d2c6c0ffn }));
  await store.commit({ stream: 'S', rows, quarantined: [], highWater: BigInt(rows.length) });
  await store.roll(Date.UTC(2026, 0, 6));
  expect((await store.counts()).archived).toBe(rows.length);
  await store.close();

  const from = positions[500].ts;
  const to = positions[2000].ts;
  const inRange = positions.filter((p) => p.ts >= from && p.ts < to);
  // The draft: the fence with the most entries over the range (a backtest with something to show).
  const enters = (f: (typeof fences)[number]) => new FenceEngine([f]).update(inRange).filter((e) => e.event_type === 'enter').length;
  const draft = [...fences].sort((a, b) => enters(b) - enters(a))[0];
  let progress = 0;
  const result = await backtest(dir, draft, { from, to }, { limit: 25, topDevices: 1000, onProgress: (n) => (progress = n) });

  const expected = new FenceEngine([draft]).update(inRange);
  expect(result.positions).toBe(1500);
  expect(progress).toBe(1500);
  expect(result.events).toBe(expected.length);
  expect(result.first).toEqual(expected.slice(0, 25));
  const byType: Record<string, number> = {};
  for (const e of expected) byType[e.event_type] = (byType[e.event_type] ?? 0) + 1;
  expect(result.byType).toEqual(byType);
  expect(result.byDevice.reduce((a, d) => a + d.events, 0)).toBe(expected.length);
  expect(byType.enter).toBeGreaterThan(5);
  expect(byType.exit).toBeGreaterThan(5);

  // A device's track over the same range: its own positions, in time order, capped at the limit.
  const device = result.byDevice[0]!.device_id;
  const mine = inRange.filter((p) => p.id === device).map((p) => ({ ts: p.ts, lat: p.lat, lon: p.lon }));
  expect(mine.length).toBeGreaterThan(3);
  expect(await archivedTrack(dir, device, { from, to }, 10_000)).toEqual({ points: mine, truncated: false });
  expect(await archivedTrack(dir, device, { from, to }, 3)).toEqual({ points: mine.slice(0, 3), truncated: true });
  expect(await archivedTrack(dir, "nobody' OR 1=1 --", { from, to }, 10)).toEqual({ points: [], truncated: false });

  // An edit of it (the shape of the next busiest fence, and exit no longer detected) beside the saved fence: the difference of the two runs.
  const next = [...fences].sort((a, b) => enters(b) - enters(a))[1]!;
  const edit = { ...draft, detect: draft.detect.filter((d) => d !== 'exit').concat('enter'), geometry: next.geometry };
  const compared = await backtest(dir, edit, { from, to }, { limit: 10_000, compareWith: draft });
  const diff = diffEvents(new FenceEngine([draft]).update(inRange), new FenceEngine([edit]).update(inRange));
  expect(compared.difference!.before.events).toBe(expected.length);
  expect(compared.difference!.gained.first).toEqual(diff.gained);
  expect(compared.difference!.lost.first).toEqual(diff.lost);
  expect(compared.difference!.gained.events).toBeGreaterThan(0);
  expect(compared.difference!.lost.byType.exit).toBe(byType.exit);
  expect(compared.events - compared.difference!.before.events).toBe(compared.difference!.gained.events - compared.difference!.lost.events);
  expect(result.difference).toBeUndefined();
});
