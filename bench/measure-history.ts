/**
 * Measures the history store on this machine (not a test: timings vary with the host):
 *   node --import tsx bench/measure-history.ts [positions=1000000] [batch=10000] [V1|V2] [zstdLevel=3] [memoryLimit=256MB] [rowGroupSize=122880]
 * Prints committed rows/s through HistoryStore.commit, the roll time, and archive bytes per position
 * against the same positions as NDJSON (as published on pos.*).
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellToBigInt } from '../shared/h3-cell';
import { HistoryStore, type PositionRow } from '../main/history';
import { indexPosition } from '../main/heatmap';
import { Simulator } from '../main/simulator';

async function main(): Promise<void> {
  const [nArg, batchArg, version, levelArg, memoryLimit, rowGroupArg] = process.argv.slice(2);
  const n = Number(nArg ?? 1_000_000);
  const batch = Number(batchArg ?? 10_000);
  const devices = 10_000;
  // Random walkers, one fix per device per second, a few metres apart (the engine's simulator).
  const sim = new Simulator({ devices, ratePerSec: devices, center: [-73.9851, 40.7589], radiusKm: 8, speedMps: 9, fleet: 'walkers', seed: 7 });
  const start = Date.UTC(2024, 0, 1, 10);
  const rows: PositionRow[] = [];
  let ndjsonBytes = 0;
  const cell = new Uint32Array(2);
  for (let now = start; rows.length < n; now += 1000) {
    for (const p of sim.take(Math.min(devices, n - rows.length), now)) {
      ndjsonBytes += Buffer.byteLength(JSON.stringify(p)) + 1;
      indexPosition(p.lat, p.lon, cell);
      rows.push({
        seq: BigInt(rows.length + 1),
        device_id: p.id,
        ts: p.ts,
        lat: p.lat,
        lon: p.lon,
        h3: cellToBigInt(cell[0], cell[1]),
        speed: p.speed,
        heading: p.heading,
        kind: p.kind,
      });
    }
  }

  const rssBefore = process.memoryUsage().rss;
  const dir = await mkdtemp(join(tmpdir(), 'hexwatch-measure-'));
  try {
    const parquet = {
      version: version === 'V1' ? ('V1' as const) : ('V2' as const),
      compressionLevel: Number(levelArg ?? 3),
      rowGroupSize: Number(rowGroupArg ?? 122_880),
    };
    const store = await HistoryStore.open({ dataDir: dir, graceMs: 0, parquet, memoryLimit });
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += batch) {
      const slice = rows.slice(i, i + batch);
      await store.commit({ stream: 'POSITIONS', rows: slice, quarantined: [], highWater: slice[slice.length - 1].seq });
    }
    const commitS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const rolled = await store.roll(start + 24 * 3_600_000);
    const rollS = (performance.now() - t1) / 1000;
    const counts = await store.counts();
    const rssAfter = process.memoryUsage().rss;
    await store.close();
    let archiveBytes = 0;
    for (const e of await readdir(join(dir, 'archive'), { recursive: true, withFileTypes: true })) {
      if (e.isFile() && e.name.endsWith('.parquet')) archiveBytes += (await stat(join(e.parentPath, e.name))).size;
    }
    const result = {
      positions: n,
      batch,
      commit_rows_per_s: Math.round(n / commitS),
      roll_s: Number(rollS.toFixed(2)),
      roll_rows_per_s: Math.round(rolled.rowsArchived / rollS),
      parquet,
      memory_limit: memoryLimit ?? '256MB',
      ndjson_bytes_per_position: Number((ndjsonBytes / n).toFixed(1)),
      archive_bytes_per_position: Number((archiveBytes / n).toFixed(2)),
      ratio: Number((ndjsonBytes / archiveBytes).toFixed(2)),
      counts,
      rss_mb: Math.round(rssAfter / 2 ** 20),
      rss_added_by_store_mb: Math.round((rssAfter - rssBefore) / 2 ** 20), // the rest is the test rows held in JS
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
