/**
 * `npm run bench -- notebook`: a 10M-row archive (the simulator's walkers over two days, written once
 * and cached under bench/.cache), queried through the notebook thread and, in the same run, as the same
 * SQL on a bare DuckDB connection over the same files:
 *   (a) hex aggregation at res 8 over one day, (b) a per-device distance/time window query,
 *   (e) a playback frame of a one-hour window.
 * Medians of 5 runs. Writes bench/results/notebook.json.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, DuckDBTimestampMillisecondsValue, type DuckDBConnection } from '@duckdb/node-api';
import { latLngToCell } from 'h3-js';
import { registerH3 } from '../main/notebooks';
import { NotebookService } from '../main/notebooks/notebook-service';
import { Simulator } from '../main/simulator';
import { median, round } from './stats';

const ROWS = 10_000_000;
const DEVICES = 2000;
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5);
const cache = join('bench', '.cache', 'notebook');
const archive = join(cache, 'archive', 'positions');

/** 10M fixes of 2,000 walkers over two days, as hourly Parquet parts like the engine writes. */
async function writeArchive(): Promise<void> {
  if (existsSync(join(cache, 'done'))) return;
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(archive, { recursive: true });
  const started = performance.now();
  const sim = new Simulator({ devices: DEVICES, ratePerSec: 1, center: [-73.9851, 40.7589], radiusKm: 15, speedMps: 9, fleet: 'bench', seed: 11 });
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  await c.run("SET TimeZone = 'UTC'");
  await c.run('CREATE TABLE p (device_id VARCHAR, ts TIMESTAMP_MS, lat DOUBLE, lon DOUBLE, h3 UBIGINT, seq UBIGINT)');
  const appender = await c.createAppender('p');
  const step = (2 * DAY) / (ROWS / DEVICES);
  for (let i = 0, seq = 1; i < ROWS / DEVICES; i++) {
    const ts = START + Math.round(i * step);
    for (const p of sim.take(DEVICES, ts)) {
      appender.appendVarchar(p.id);
      appender.appendTimestampMilliseconds(new DuckDBTimestampMillisecondsValue(BigInt(ts)));
      appender.appendDouble(p.lat);
      appender.appendDouble(p.lon);
      appender.appendUBigInt(BigInt(`0x${latLngToCell(p.lat, p.lon, 15)}`));
      appender.appendUBigInt(BigInt(seq++));
      appender.endRow();
    }
  }
  appender.closeSync();
  await c.run(
    `COPY (SELECT device_id, ts::TIMESTAMPTZ AS ts, lat, lon, h3, NULL::DOUBLE AS speed, NULL::DOUBLE AS heading, NULL::DOUBLE AS accuracy, 'walker' AS kind, NULL::JSON AS props, seq,
             strftime(ts, '%Y-%m-%d') AS date, hour(ts) AS hour FROM p ORDER BY ts, seq)
     TO '${archive}' (FORMAT parquet, PARTITION_BY (date, hour), COMPRESSION zstd, ROW_GROUP_SIZE 122880)`,
  );
  c.closeSync();
  instance.closeSync();
  writeFileSync(join(cache, 'done'), `${ROWS}\n`);
  console.log(`wrote the ${ROWS.toLocaleString()}-row archive in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const AGG = `SELECT h3_parent(h3, 8) AS cell, count(*) AS positions, count(DISTINCT device_id) AS devices
  FROM positions WHERE ts >= TIMESTAMPTZ '2026-01-05 00:00:00+00' AND ts < TIMESTAMPTZ '2026-01-06 00:00:00+00' GROUP BY ALL`;
const WINDOW = `SELECT device_id, sum(step_m) AS metres, max(gap_s) AS longest_gap_s FROM (
    SELECT device_id,
      6371008.8 * 2 * asin(sqrt(pow(sin(radians(lat - lag(lat) OVER w) / 2), 2) + cos(radians(lat)) * cos(radians(lag(lat) OVER w)) * pow(sin(radians(lon - lag(lon) OVER w) / 2), 2))) AS step_m,
      epoch(ts - lag(ts) OVER w) AS gap_s
    FROM positions WHERE ts >= TIMESTAMPTZ '2026-01-05 06:00:00+00' AND ts < TIMESTAMPTZ '2026-01-05 18:00:00+00'
    WINDOW w AS (PARTITION BY device_id ORDER BY ts)) GROUP BY ALL`;

async function timed(run: () => Promise<unknown>, n = 5): Promise<number> {
  const times: number[] = [];
  await run(); // warm: file metadata and the OS cache
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return median(times);
}

async function bare(): Promise<{ c: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '512MB' });
  const c = await instance.connect();
  await c.run("SET TimeZone = 'UTC'");
  await registerH3(c);
  await c.run(`CREATE VIEW positions AS SELECT * FROM read_parquet('${archive}/**/*.parquet', hive_partitioning = true)`);
  return {
    c,
    close: () => {
      c.closeSync();
      instance.closeSync();
    },
  };
}

async function main(): Promise<void> {
  console.log(`hexwatch bench notebook: ${ROWS.toLocaleString()} rows, ${DEVICES} devices over two days`);
  await writeArchive();
  const notebooks = await NotebookService.start(
    cache,
    { threads: 2, memoryLimitMb: 512, maxRows: 100_000, snapshotMaxAgeMs: 3_600_000, roots: [cache] },
    () => ({
      dataDir: cache,
    }),
  );
  const b = await bare();
  try {
    const agg = await timed(() => notebooks.run('agg', AGG));
    const aggBare = await timed(() => b.c.runAndReadAll(AGG));
    const aggRows = (await notebooks.run('agg', AGG)).rows;
    console.log(`(a) hex aggregation res 8, one day: notebook ${round(agg)} ms, bare DuckDB ${round(aggBare)} ms (${aggRows} cells)`);
    const win = await timed(() => notebooks.run('win', WINDOW));
    const winBare = await timed(() => b.c.runAndReadAll(WINDOW));
    console.log(`(b) per-device distance and gaps over 12 h: notebook ${round(win)} ms, bare DuckDB ${round(winBare)} ms`);
    const frames: number[] = [];
    await notebooks.frame({
      t: START + DAY / 2,
      windowMs: 3_600_000,
      cumulative: false,
      resolution: 8,
      bounds: { west: -75, south: 40, east: -73, north: 41.5 },
    });
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await notebooks.frame({
        t: START + DAY / 2 + i * 600_000,
        windowMs: 3_600_000,
        cumulative: false,
        resolution: 8,
        bounds: { west: -75, south: 40, east: -73, north: 41.5 },
      });
      frames.push(performance.now() - t);
    }
    console.log(`(e) playback frame, 1-hour window at res 8: p50 ${round(median(frames))} ms`);
    const result = {
      rows: ROWS,
      devices: DEVICES,
      agg_s: round(agg / 1000, 3),
      agg_bare_s: round(aggBare / 1000, 3),
      agg_ratio: round(agg / aggBare, 3),
      agg_cells: aggRows,
      window_s: round(win / 1000, 3),
      window_bare_s: round(winBare / 1000, 3),
      window_ratio: round(win / winBare, 3),
      playback_frame_ms_p50: round(median(frames), 1),
      first_paint_1m_rows_ms: null,
      ingest_ratio_under_query: null,
      notes: 'median of 5 (frames: 20); the notebook thread and the bare connection both use 2 DuckDB threads and 512 MB; (c) and (d) not measured yet',
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/notebook.json', `${JSON.stringify(result, null, 2)}\n`);
    console.log('wrote bench/results/notebook.json');
  } finally {
    b.close();
    await notebooks.close();
  }
}

await main();
