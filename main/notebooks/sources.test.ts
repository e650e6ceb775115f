import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/helpers/history-fixtures';
import { NotebookService } from './notebook-service';
import { NotebookQueryError } from './notebook-process';
import { resolveSource, SourceError, viewNameOf } from './sources';

let dir: string;
let cleanup: () => Promise<void>;
let notebooks: NotebookService;

/** Files as another writer leaves them: DuckDB with other options than ours (V1 pages, gzip, tiny row groups). */
async function writeForeignFiles(root: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  await c.run(`CREATE TYPE mood AS ENUM ('calm', 'busy')`);
  await c.run(`CREATE TABLE t AS SELECT
      range::INTEGER AS id,
      {'name': 'dev-' || range, 'tags': ['a', 'b'][1:(range % 2) + 1]} AS info,
      [range, range * 2] AS pair,
      (range * 1.25)::DECIMAL(12, 2) AS price,
      TIMESTAMP '2026-01-01 00:00:00' + range * INTERVAL 1 HOUR AS naive,
      TIMESTAMPTZ '2026-01-01 00:00:00+00' + range * INTERVAL 1 HOUR AS instant,
      (CASE WHEN range % 2 = 0 THEN 'calm' ELSE 'busy' END)::mood AS mood,
      'fleet-' || (range % 3) AS fleet
    FROM range(10)`);
  await c.run(`COPY t TO '${join(root, 'foreign.parquet')}' (FORMAT parquet, PARQUET_VERSION V1, COMPRESSION gzip, ROW_GROUP_SIZE 3)`);
  mkdirSync(join(root, 'hive'));
  await c.run(`COPY (SELECT id, price, fleet FROM t) TO '${join(root, 'hive')}' (FORMAT parquet, PARTITION_BY (fleet))`);
  await c.run(`COPY (SELECT id, price, naive FROM t) TO '${join(root, 'plain.csv')}' (HEADER)`);
  await c.run(`COPY (SELECT id, info, pair FROM t) TO '${join(root, 'rows.ndjson')}' (FORMAT json)`);
  c.closeSync();
  instance.closeSync();
  writeFileSync(
    join(root, 'zones.geojson'),
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-74, 40.7] }, properties: { name: 'A', level: 1 } },
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [-74, 40],
                [-73, 40],
                [-73, 41],
                [-74, 40],
              ],
            ],
          },
          properties: { name: 'B', level: 2 },
        },
      ],
    }),
  );
  writeFileSync(join(root, 'broken.parquet'), 'PAR1 this is not parquet at all');
}

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const s = await notebooks.run('q', sql);
  return tableFromIPC(await notebooks.page('q', 0, s.rows || 1))
    .toArray()
    .map((r: { toJSON(): Record<string, unknown> }) => r.toJSON());
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  mkdirSync(join(dir, 'files'));
  await writeForeignFiles(join(dir, 'files'));
  notebooks = await NotebookService.start(dir, { threads: 1, memoryLimitMb: 256, maxRows: 1000, snapshotMaxAgeMs: 0, roots: [join(dir, 'files')] }, () => ({
    dataDir: dir,
  }));
});
afterAll(async () => {
  await notebooks?.close();
  await cleanup();
});

describe('opening files in a notebook', () => {
  it('reads a foreign Parquet file (nested, decimal, naive and zoned times, dictionary strings) as it was written', async () => {
    const opened = await notebooks.open(join(dir, 'files', 'foreign.parquet'));
    expect(opened.view).toBe('foreign_file');
    expect(Object.fromEntries(opened.columns.map((c) => [c.name, c.type]))).toMatchObject({
      id: 'INTEGER',
      price: 'DECIMAL(12,2)',
      naive: 'TIMESTAMP',
      instant: 'TIMESTAMP WITH TIME ZONE',
      pair: 'BIGINT[]',
    });
    const back = await rows(
      'SELECT id, info.name AS name, len(info.tags) AS tags, pair[2] AS second, price, epoch_ms(naive) AS naive, epoch_ms(instant) AS instant, mood::VARCHAR AS mood FROM foreign_file ORDER BY id',
    );
    expect(back).toHaveLength(10);
    expect(back[3]).toEqual({
      id: 3,
      name: 'dev-3',
      tags: 2n,
      second: 6n,
      price: 3.75,
      naive: BigInt(Date.UTC(2026, 0, 1, 3)),
      instant: BigInt(Date.UTC(2026, 0, 1, 3)),
      mood: 'busy',
    });
  });

  it('reads a hive tree (its partition as a column), CSV, NDJSON and GeoJSON', async () => {
    await notebooks.open(join(dir, 'files', 'hive'));
    expect(await rows('SELECT fleet, count(*) AS n FROM hive GROUP BY ALL ORDER BY fleet')).toEqual([
      { fleet: 'fleet-0', n: 4n },
      { fleet: 'fleet-1', n: 3n },
      { fleet: 'fleet-2', n: 3n },
    ]);
    await notebooks.open(join(dir, 'files', 'plain.csv'));
    expect(await rows('SELECT sum(price) AS total, max(naive) AS last FROM plain')).toEqual([{ total: 56.25, last: Date.UTC(2026, 0, 1, 9) }]);
    await notebooks.open(join(dir, 'files', 'rows.ndjson'));
    expect(await rows('SELECT info.name AS name, pair[2] AS second FROM "rows" WHERE id = 4')).toEqual([{ name: 'dev-4', second: 8n }]);
    const zones = await notebooks.open(join(dir, 'files', 'zones.geojson'));
    expect(zones.columns.map((c) => c.name)).toEqual(['geometry', 'name', 'level']);
    const z = await rows("SELECT name, json_extract_string(geometry, '$.type') AS kind FROM zones ORDER BY name");
    expect(z).toEqual([
      { name: 'A', kind: 'Point' },
      { name: 'B', kind: 'Polygon' },
    ]);
    // A glob of Parquet files too.
    const glob = await notebooks.open(join(dir, 'files', 'hive', '**', '*.parquet'));
    expect((await rows(`SELECT count(*) AS n FROM "${glob.view}"`))[0]).toEqual({ n: 10n });
  });

  it('gives DuckDB’s message for a broken file, keeps no view of it, and goes on', async () => {
    const err = await notebooks.open(join(dir, 'files', 'broken.parquet')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotebookQueryError);
    expect((err as Error).message).toMatch(/broken\.parquet/);
    expect(notebooks.sources().map((s) => s.view)).not.toContain('broken');
    expect(await rows('SELECT count(*) AS n FROM foreign_file')).toEqual([{ n: 10n }]);
  });
});

describe('where files may be opened from', () => {
  it('refuses relative paths, paths outside the roots (a symlink out too), and kinds it does not read', () => {
    const roots = [join(dir, 'files')];
    expect(() => resolveSource('files/foreign.parquet', roots, new Set())).toThrow(/whole path/);
    expect(() => resolveSource(join(tmpdir()), roots, new Set())).toThrow(SourceError);
    symlinkSync(tmpdir(), join(dir, 'files', 'escape'));
    expect(() => resolveSource(join(dir, 'files', 'escape'), roots, new Set())).toThrow(/outside the folders/);
    writeFileSync(join(dir, 'files', 'notes.txt'), 'hello');
    expect(() => resolveSource(join(dir, 'files', 'notes.txt'), roots, new Set())).toThrow(/open Parquet, CSV/);
    expect(() => resolveSource(join(dir, 'files', 'missing.parquet'), roots, new Set())).toThrow(/no such file/);
  });

  it('names views after files, apart from the engine’s own views and each other', () => {
    expect(viewNameOf('/x/Trips 2026-01.parquet', new Set())).toBe('trips_2026_01');
    expect(viewNameOf('/x/positions.parquet', new Set(['positions']))).toBe('positions_2');
    expect(viewNameOf('/x/2026.csv', new Set())).toBe('t_2026');
    expect(viewNameOf('/x/Order.csv', new Set())).toBe('order_file');
  });
});
