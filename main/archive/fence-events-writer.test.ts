import { DuckDBInstance } from '@duckdb/node-api';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FenceEvent } from '../../shared/fence-event';
import { tempDir } from '../../tests/helpers/history-fixtures';
import { DeliveryQueue } from '../deliveries';
import { archiveFenceEvents } from './fence-events-writer';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const ev = (i: number): FenceEvent => ({
  event_type: i % 2 ? 'exit' : 'enter',
  fence_id: `f${i % 3}`,
  device_id: `d${i % 5}`,
  position: { lat: 52.5 + i * 1e-4, lon: 13.4 },
  timestamp: Date.UTC(2026, 0, 5, 8) + i * 60_000, // two hours and a bit
  ...(i % 4 === 0 ? { group: 'north' } : {}),
  source: i % 2 ? 'tile38' : 'embedded',
});

async function readBack(): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    // Read from another time zone: the archive's times are instants, so they do not move.
    await c.run("SET TimeZone = 'America/Los_Angeles'");
    const glob = join(dir, 'archive', 'fence_events', '**', '*.parquet');
    const types = (await c.runAndReadAll(`SELECT DISTINCT logical_type FROM parquet_schema('${glob}') WHERE name = 'ts'`))
      .getRows()
      .map((row) => String(row[0]));
    expect(types).toEqual([expect.stringMatching(/^TimestampType\(isAdjustedToUTC=1/)]);
    const r = await c.runAndReadAll(
      `SELECT id::INTEGER AS id, event_type, fence_id, device_id, epoch_ms(ts)::DOUBLE AS ts, "group", source, date::VARCHAR AS date, hour::INTEGER AS hour FROM read_parquet('${glob}', hive_partitioning = true) ORDER BY id`,
    );
    return r.getRowObjectsJS();
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

it('copies the event log into hourly Parquet partitions, each event once, even after a roll cut short', async () => {
  const q = DeliveryQueue.open(join(dir, 'queue.sqlite'), { settings: { feed: false } });
  const events = Array.from({ length: 150 }, (_, i) => ev(i));
  q.enqueue(events.slice(0, 100));
  expect(await archiveFenceEvents(q.log, dir)).toEqual({ events: 100, parts: 2 });
  expect(await archiveFenceEvents(q.log, dir)).toEqual({ events: 0, parts: 0 });

  // A roll that wrote its part but died before moving the mark, and a stray temporary file.
  q.enqueue(events.slice(100));
  const orphanDir = join(dir, 'archive', 'fence_events', 'date=2026-01-05', 'hour=09');
  mkdirSync(orphanDir, { recursive: true });
  writeFileSync(join(orphanDir, 'part-101-130.parquet'), 'half a roll');
  writeFileSync(join(orphanDir, '.part-101-150.parquet.tmp'), 'half a file');
  expect(await archiveFenceEvents(q.log, dir)).toEqual({ events: 50, parts: 2 });
  expect(existsSync(join(orphanDir, 'part-101-130.parquet'))).toBe(false);
  expect(readdirSync(orphanDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);

  const rows = await readBack();
  expect(rows.map((r) => r.id)).toEqual(events.map((_, i) => i + 1));
  expect(rows[4]).toMatchObject({
    event_type: 'enter',
    fence_id: 'f1',
    device_id: 'd4',
    ts: events[4].timestamp,
    group: 'north',
    source: 'embedded',
    date: '2026-01-05',
    hour: 8,
  });
  expect(new Set(rows.map((r) => `${r.date}/${r.hour}`))).toEqual(new Set(['2026-01-05/8', '2026-01-05/9', '2026-01-05/10']));
  q.close();
});

it('moves past an event whose time is not one (it stays in the queue), and archives the rest', async () => {
  const q = DeliveryQueue.open(join(dir, 'queue.sqlite'), { settings: { feed: false } });
  q.enqueue([ev(0), { ...ev(1), timestamp: 1e16 }, ev(2)]);
  expect(await archiveFenceEvents(q.log, dir)).toEqual({ events: 2, parts: 1 });
  expect(await archiveFenceEvents(q.log, dir)).toEqual({ events: 0, parts: 0 });
  expect((await readBack()).map((r) => r.id)).toEqual([1, 3]);
  q.close();
});
