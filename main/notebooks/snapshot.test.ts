import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { tempDir } from '../../tests/helpers/history-fixtures';
import type { LoggedEvent } from '../archive';
import { FenceRegistry } from '../fences';
import { takeSnapshot } from './snapshot';
import { viewStatements } from './views';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const event = (id: number): LoggedEvent => ({
  id,
  event_type: id % 2 ? 'enter' : 'exit',
  fence_id: 'depot',
  device_id: `dev-${id}`,
  ts: Date.UTC(2026, 5, 1, 8) + id * 1000,
  lat: 40 + id / 1000,
  lon: -74,
  grp: null,
  source: 'embedded',
});

async function query(sql: string, statements: string[]): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    await c.run("SET TimeZone = 'UTC'");
    for (const s of statements) await c.run(s);
    return (await c.runAndReadAll(sql)).getRowsJS() as unknown[][];
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

it('reads fence events from the archive up to its mark and from the log after it: each once, even with a part written past the mark', async () => {
  // The archive holds 1–8 (a roll cut short wrote 6–8 after the mark of 5); the log has 6–10 past the mark.
  const part = join(dir, 'archive', 'fence_events', 'date=2026-06-01', 'hour=08');
  mkdirSync(part, { recursive: true });
  const rows = [1, 2, 3, 4, 5, 6, 7, 8].map(event);
  await query('SELECT 1', [
    `COPY (SELECT * FROM (VALUES ${rows.map((e) => `(${e.id}::UBIGINT, '${e.event_type}', '${e.fence_id}', '${e.device_id}', make_timestamp(${e.ts} * 1000)::TIMESTAMPTZ, ${e.lat}, ${e.lon}, NULL::VARCHAR, '${e.source}')`).join(', ')}) t(id, event_type, fence_id, device_id, ts, lat, lon, "group", source)) TO '${join(part, 'part-1-8.parquet')}' (FORMAT parquet)`,
  ]);
  const registry = FenceRegistry.open(join(dir, 'fences.sqlite'));
  registry.save({ id: 'depot', name: 'Depot', geometry: { type: 'Circle', center: [-74, 40.7], radius_m: 250 }, detect: ['enter', 'exit'] });
  registry.save({ id: 'yard', name: 'Yard', geometry: { type: 'Rectangle', bbox: [-74, 40.7, -73.99, 40.71] }, detect: ['inside'], enabled: false });
  const sources = await takeSnapshot(
    {
      dataDir: dir,
      events: { archiveMark: () => 5, after: (id) => [6, 7, 8, 9, 10].filter((n) => n > id).map(event) },
      fences: () => registry.exportCollection().features,
    },
    join(dir, 'snap'),
  );
  registry.close();
  const statements = viewStatements(sources);

  const events = await query('SELECT id, event_type, ts FROM fence_events ORDER BY id', statements);
  expect(events.map((r) => Number(r[0]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect((events[9]![2] as Date).getTime()).toBe(event(10).ts);

  const fences = await query("SELECT id, name, json_extract_string(geometry, '$.type'), radius_m, detect, enabled FROM fences ORDER BY id", statements);
  expect(fences).toEqual([
    ['depot', 'Depot', 'Point', 250, ['enter', 'exit'], true],
    ['yard', 'Yard', 'Polygon', null, ['inside'], false],
  ]);
  // No history here (no NATS ingest): positions and quarantine are there, empty, with their columns.
  expect(await query('SELECT count(*) FROM positions', statements)).toEqual([[0n]]);
  expect(await query('SELECT count(*) FROM quarantine', statements)).toEqual([[0n]]);
});
