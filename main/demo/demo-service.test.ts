// The demo against real files: written once on a new data dir (positions hot and archived, fence events and
// market minutes as tagged parts, fences, demo.json), never again on a restart, written again after a stop
// cut it short, and cleared whole — leaving every row after its end, NATS's rows, other parts and edited fences.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlString, withScratchDuckDB } from '../archive';
import { ConfigSchema } from '../config';
import { FenceRegistry } from '../fences';
import { HistoryStore, type PositionRow } from '../history';
import { makeRows, tempDir } from '../../tests/helpers/history-fixtures';
import { DemoService } from './demo-service';
import { DEMO_FILE } from './demo-record';

const config = ConfigSchema.parse({ simulator: { devices: 60, radiusKm: 2, backfillH: 2, demandPerSec: 5 } });
const TO = Date.UTC(2026, 2, 2, 17, 40);
const H = 3_600_000;

let dir: string;
let cleanup: () => Promise<void>;
let history: HistoryStore;
let fences: FenceRegistry;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  await open();
});
afterEach(async () => {
  await close();
  await cleanup();
});

async function open(): Promise<void> {
  history = await HistoryStore.open({ dataDir: dir, graceMs: 5 * 60_000 });
  fences = FenceRegistry.open(join(dir, 'fences.sqlite'));
}
async function close(): Promise<void> {
  fences.close();
  await history.close();
}
const demoOf = (fresh: boolean, clock = () => TO) =>
  new DemoService(config, { dataDir: dir, fresh, history, fences, market: { settings: config.market }, clock, log: () => {} });

/** Rows in the history (hot and archived) by kind: the demo's (unsequenced before its end), NATS's, the live simulator's after it. */
async function census(): Promise<{ demo: number; nats: number; live: number; from: number; to: number }> {
  const snapshot = await history.snapshot(mkdtempSync(join(dir, 'snapshot-')));
  const files = [...snapshot.parts, snapshot.hot].map(sqlString).join(', ');
  return withScratchDuckDB(async (c) => {
    const end = `make_timestamptz(${TO}::BIGINT * 1000)`;
    const [r] = (
      await c.runAndReadAll(
        `SELECT count(*) FILTER (seq = 0 AND ts < ${end}) AS demo, count(*) FILTER (seq > 0) AS nats, count(*) FILTER (seq = 0 AND ts >= ${end}) AS live,
                coalesce(epoch_ms(min(ts)), 0)::DOUBLE AS first, coalesce(epoch_ms(max(ts)), 0)::DOUBLE AS last FROM read_parquet([${files}])`,
      )
    ).getRowObjectsJS();
    return { demo: Number(r.demo), nats: Number(r.nats), live: Number(r.live), from: Number(r.first), to: Number(r.last) };
  });
}

/** The archive's parts of a table, relative to its folder. */
const partsOf = (table: string) =>
  existsSync(join(dir, 'archive', table))
    ? (readdirSync(join(dir, 'archive', table), { recursive: true }) as string[]).filter((p) => p.endsWith('.parquet')).sort()
    : [];

async function written(demo: DemoService): Promise<void> {
  demo.start();
  for (let i = 0; i < 600 && demo.status()?.state !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
  expect(demo.status()).toMatchObject({ state: 'ready', to: TO });
}

describe('the demo', () => {
  it('is written on a new data dir: two hours of the walkers, their fence events and market minutes, and three demo fences', async () => {
    const demo = demoOf(true);
    await written(demo);
    const rows = await census();
    // A fix per walker every 30 s over the two hours, ending where the live walkers begin.
    expect(rows).toMatchObject({ demo: 60 * 240, nats: 0, live: 0 });
    expect(rows.from).toBeGreaterThanOrEqual(TO - 2 * H);
    expect(rows.from).toBeLessThan(TO - 2 * H + 30_000);
    expect(rows.to).toBeLessThan(TO);
    // The hours that ended are in the archive like any other; the one under way stays hot.
    expect((await history.counts()).archived).toBeGreaterThan(0);
    expect(fences.list().map((f) => f.name)).toEqual(['Demo: Centre', 'Demo: North', 'Demo: South-east']);
    expect(partsOf('fence_events').length).toBeGreaterThan(0);
    expect(partsOf('fence_events').every((p) => p.split('/').pop()!.startsWith('part-demo-'))).toBe(true);
    expect(partsOf('market').length).toBe(3); // 15:40–16:00, 16:00–17:00, 17:00–17:40
    const events = await withScratchDuckDB(async (c) =>
      (
        await c.runAndReadAll(
          `SELECT count(*) AS n, count(DISTINCT fence_id) AS fences, min(id) AS id FROM read_parquet(${sqlString(join(dir, 'archive', 'fence_events', '**', '*.parquet'))})`,
        )
      ).getRowObjectsJS(),
    );
    expect(Number(events[0]!.n)).toBeGreaterThan(10);
    // History, never delivered: no queue id.
    expect(Number(events[0]!.id)).toBe(0);
    expect(existsSync(join(dir, DEMO_FILE))).toBe(true);
    await demo.stop();
  });

  it('is not written again on a restart, nor on a data dir that was used before', async () => {
    await written(demoOf(true));
    const before = await census();
    const again = demoOf(false, () => TO + H);
    again.start();
    await again.stop();
    expect(again.status()).toMatchObject({ state: 'ready', from: expect.any(Number), to: TO });
    expect(await census()).toEqual(before);
    expect(fences.list()).toHaveLength(3);

    const other = await tempDir();
    const used = new DemoService(config, { dataDir: other.dir, fresh: false, history, fences, clock: () => TO, log: () => {} });
    used.start();
    expect(used.status()).toBeUndefined();
    await other.cleanup();
  });

  it('is written again, whole, after a stop cut it short', async () => {
    const demo = demoOf(true);
    demo.start();
    // Stopped before its first batch is committed: nothing of it is in the history.
    await demo.stop();
    expect((await census()).demo).toBe(0);
    expect(demo.status()?.state).toBe('writing');
    await close();
    await open();
    await written(demoOf(false));
    expect((await census()).demo).toBe(60 * 240);
  });

  it('clears everything it is and nothing else: later rows, NATS rows, other parts and an edited fence stay', async () => {
    const demo = demoOf(true);
    await written(demo);
    // Beside the demo: NATS positions inside its range, the live simulator's after its end, a market minute of the live market.
    const unsequenced = (rows: PositionRow[]) => rows.map((r) => ({ ...r, seq: 0n }));
    await history.commit({ stream: 'POSITIONS', rows: makeRows(500, { startTs: TO - H, stepMs: 5000 }), quarantined: [], highWater: 500n });
    await history.commit({ stream: 'simulator', rows: unsequenced(makeRows(300, { startTs: TO, stepMs: 1000 })), quarantined: [], unsequenced: true });
    await history.roll(TO + 2 * H);
    const { archiveMarketSnapshots } = await import('../archive');
    await archiveMarketSnapshots(dir, [
      { at: TO + 60_000, resolution: 8, keys: Float64Array.of(1), supply: Float64Array.of(3), demand: Float64Array.of(1), kinds: [] },
    ]);
    const edited = fences.get('demo-north')!;
    fences.save({ ...edited, name: 'North, mine now' });

    const cleared = await demo.clear();
    expect(cleared).toEqual({ positions: 60 * 240, fencesRemoved: 2, fencesKept: 1 });
    expect(await census()).toMatchObject({ demo: 0, nats: 500, live: 300 });
    expect(partsOf('fence_events')).toEqual([]);
    expect(partsOf('market').map((p) => p.split('/').pop()!.startsWith('part-demo-'))).toEqual([false]);
    expect(fences.list().map((f) => f.name)).toEqual(['North, mine now']);
    expect(existsSync(join(dir, DEMO_FILE))).toBe(false);
    expect(demo.status()).toBeUndefined();
    await expect(demo.clear()).rejects.toThrow('there is no demo data');
  });

  it('finishes a clear a stop cut short at the next start', async () => {
    await written(demoOf(true));
    const { writeDemoRecord, readDemoRecord } = await import('./demo-record');
    writeDemoRecord(dir, { ...readDemoRecord(dir, () => {})!, state: 'clearing' });
    const restarted = demoOf(false);
    restarted.start();
    await restarted.stop();
    expect(restarted.status()).toBeUndefined();
    expect((await census()).demo).toBe(0);
    expect(fences.list()).toEqual([]);
  });
});
