/**
 * `npm run bench -- notebook`: a 10M-row archive (the simulator's walkers over two days, written once
 * and cached under bench/.cache), queried through the notebook process and, in the same run, as the same
 * SQL on a bare DuckDB connection over the same files:
 *   (a) hex aggregation at res 8 over one day, (b) a per-device distance/time window query,
 *   (c) a 1M-row result to its first painted grid row in Chromium (web mode),
 *   (d) NATS ingest throughput with (a) running in a loop in the engine's notebook process, against ingest
 *       alone, in turns (two rounds each, each on its own stream and a fresh data dir),
 *   (e) a playback frame of a one-hour window.
 * Medians of 7 runs of each, in turns. Writes bench/results/notebook.json.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance, DuckDBTimestampMillisecondsValue, type DuckDBConnection } from '@duckdb/node-api';
import { latLngToCell } from 'h3-js';
import { registerH3 } from '../main/notebooks';
import { NotebookService } from '../main/notebooks/notebook-service';
import { Simulator } from '../main/simulator';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { callOf, connectRpc, launchChromium, openPage, startNats, startWebMode, waitFor } from '../tests/helpers';
import { writeResult } from './results';
import { median, round } from './stats';

const ROWS = 10_000_000;
const DEVICES = 2000;
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5);
const cache = resolve('bench', '.cache', 'notebook');
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

/** Medians of `a` and `b` run in turns (a, b, a, b…), so a noisy stretch of the machine falls on both. */
async function paired(a: () => Promise<unknown>, b: () => Promise<unknown>, n = 7): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  await a(); // warm: file metadata and the OS cache
  await b();
  for (let i = 0; i < n; i++) {
    for (const [run, times] of [
      [a, ta],
      [b, tb],
    ] as const) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
  }
  return [median(ta), median(tb)];
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

/** (c): Run cell on a 1M-row result, to the first grid row painted with its values (rAF after it is in the page). */
async function firstPaint(): Promise<number[]> {
  const web = await startWebMode({ args: ['--notebooks.maxRows', '1000000', '--simulator.devices', '10', '--simulator.ratePerSec', '10'] });
  const browser = await launchChromium();
  try {
    const page = await openPage(browser, { viewport: { width: 1400, height: 900 } });
    await page.goto(web.url, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Notebooks' }).click();
    await page.getByRole('button', { name: 'New notebook' }).click();
    await page.getByRole('textbox', { name: 'SQL' }).first().click();
    await page.keyboard.press('Control+a');
    await page.keyboard.type("SELECT range AS i, range * 0.5 AS half, 'device-' || (range % 2000) AS device FROM range(1000000)");
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      // A string, so the page's DOM types stay out of this Node file.
      const ms = await page.evaluate<number>(`(async () => {
        const cell = document.querySelector('[aria-label="Cell 1"]');
        const t0 = performance.now();
        cell.querySelector('button.primary').click();
        await new Promise((resolve) => {
          let running = false;
          const check = () => {
            running ||= cell.getAttribute('aria-busy') === 'true';
            const first = cell.querySelector('[role="grid"] [role="gridcell"]');
            if (running && first && first.textContent !== '…') requestAnimationFrame(() => resolve());
            else requestAnimationFrame(check);
          };
          check();
        });
        return performance.now() - t0;
      })()`);
      // Wait for the run to end before the next.
      await page.getByRole('region', { name: 'Cell 1' }).getByRole('button', { name: 'Run cell' }).waitFor({ timeout: 60_000 });
      if (i > 0) times.push(ms);
    }
    return times;
  } finally {
    await browser.close();
    await web.stop();
  }
}

const INGEST = 400_000;

/** (d): positions/s from the first commit to the last, with or without the aggregation looping in the notebook process. */
async function ingestRounds(): Promise<{ alone: number[]; under: number[]; queries: number }> {
  const nats = await startNats();
  const nc = await connect({ servers: nats.url });
  const sim = new Simulator({ devices: 5000, ratePerSec: 1, center: [-73.9851, 40.7589], radiusKm: 10, speedMps: 9, fleet: 'ingest', seed: 5 });
  const bodies: string[] = [];
  for (let i = 0; i < INGEST; i += 5000) for (const p of sim.take(5000, Date.now() + i)) bodies.push(JSON.stringify(p));
  const out = { alone: [] as number[], under: [] as number[], queries: 0 };
  try {
    for (const [round, query] of [false, true, false, true].entries()) {
      // The stream exists before anything is published: what core NATS publishes before it would be lost.
      await (await jetstreamManager(nc)).streams.add({ name: `NB${round}`, subjects: [`nb${round}.>`] });
      const web = await startWebMode({
        args: [
          '--nats',
          nats.url,
          '--nats.stream',
          `NB${round}`,
          '--nats.subjects',
          `nb${round}.>`,
          '--nats.consumer',
          `nb${round}`,
          '--history.rollIntervalS',
          '3600',
          '--notebooks.roots',
          cache,
        ],
        timeoutMs: 60_000,
      });
      const rpc = await connectRpc(web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
      if (!rpc.ok) throw new Error(rpc.error);
      const call = callOf(rpc.client, 600_000);
      let stop = false;
      let loop: Promise<void> = Promise.resolve();
      if (query) {
        const { view } = await call('notebooks.open', { path: archive });
        const sql = AGG.replace('FROM positions', `FROM ${view}`);
        await call('notebooks.run', { queryId: 'load', sql }); // the thread is up and the files are warm
        loop = (async () => {
          while (!stop) {
            await call('notebooks.run', { queryId: 'load', sql });
            out.queries++;
          }
        })();
      }
      for (let i = 0; i < bodies.length; i++) {
        nc.publish(`nb${round}.fleet`, bodies[i]!);
        if (i % 10_000 === 9_999) await nc.flush();
      }
      await nc.flush();
      let first = 0;
      const committed = async () => (await call('status.get')).ingest?.committed ?? 0;
      await waitFor(async () => (first ||= (await committed()) > 0 ? performance.now() : 0), { timeoutMs: 60_000, intervalMs: 10, what: 'the first commit' });
      await waitFor(async () => (await committed()) >= INGEST, { timeoutMs: 600_000, intervalMs: 10, what: 'every position committed' });
      const perS = INGEST / ((performance.now() - first) / 1000);
      stop = true;
      await loop;
      (query ? out.under : out.alone).push(perS);
      console.log(`(d) round ${round + 1}: ${query ? 'with the aggregation looping' : 'alone'}: ${Math.round(perS).toLocaleString()} positions/s`);
      await rpc.client.close();
      await web.stop();
    }
  } finally {
    await nc.close();
    await nats.stop();
  }
  return out;
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
    const [agg, aggBare] = await paired(
      () => notebooks.run('agg', AGG),
      () => b.c.runAndReadAll(AGG),
    );
    const aggRows = (await notebooks.run('agg', AGG)).rows;
    console.log(`(a) hex aggregation res 8, one day: notebook ${round(agg)} ms, bare DuckDB ${round(aggBare)} ms (${aggRows} cells)`);
    const [win, winBare] = await paired(
      () => notebooks.run('win', WINDOW),
      () => b.c.runAndReadAll(WINDOW),
    );
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
    const ingest = await ingestRounds();
    const ingestRatio = median(ingest.under) / median(ingest.alone);
    console.log(`(d) ingest with the aggregation looping / alone: ${round(ingestRatio, 3)} (${ingest.queries} aggregations ran meanwhile)`);
    const paints = await firstPaint();
    console.log(
      `(c) 1M-row result to the first painted grid row in Chromium: p50 ${round(median(paints))} ms (${paints.map((t) => Math.round(t)).join(', ')})`,
    );
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
      first_paint_1m_rows_ms: round(median(paints), 1),
      ingest_ratio_under_query: round(ingestRatio, 3),
      ingest_alone_per_s: Math.round(median(ingest.alone)),
      ingest_under_query_per_s: Math.round(median(ingest.under)),
      queries_during_ingest: ingest.queries,
      notes:
        'medians of 7 runs of each, in turns (frames: 20); the notebook process and the bare connection both use 2 DuckDB threads and 512 MB; (c) median of 5 runs after a warm one; (d) 400k positions per round, two rounds of each in turns, notebooks.threads at its default (half the cores: here 1 of 2)',
    };
    writeResult('notebook', result);
    console.log('wrote bench/results/notebook.json');
  } finally {
    b.close();
    await notebooks.close();
  }
}

await main();
