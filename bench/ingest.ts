/**
 * npm run bench -- ingest [--positions N]
 * 1M simulated positions in JetStream, then in the same run: (a) the baseline, a raw consume + ack of
 * that stream with no processing, and (b) the full pipeline (decode, validate, H3, live aggregation,
 * DuckDB commit, Parquet archive) through the real engine. Writes bench/results/ingest.json.
 */
import { readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startEngine } from '../main';
import { HistoryStore } from '../main/history';
import { Simulator } from '../main/simulator';
import { makeTempDir, startNats, waitFor } from '../tests/helpers';
import { round } from './stats';

const arg = process.argv.indexOf('--positions');
const POSITIONS = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
const log = (s: string) => process.stdout.write(`${s}\n`);

function parquetBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (name.endsWith('.parquet')) total += statSync(join(dir, name)).size;
  }
  return total;
}

async function main() {
  log(`hexwatch bench ingest: ${POSITIONS} positions, ${cpus().length} cores, node ${process.version}`);
  const nats = await startNats({ args: ['-m', '0'] });
  const dataDir = await makeTempDir('hexwatch-bench-ingest-');
  try {
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
    // Fixes from two hours ago, so the hourly roll archives all of them within the measured run.
    const sim = new Simulator({ devices: 10_000, ratePerSec: 1, center: [-73.9851, 40.7589], radiusKm: 20, speedMps: 9, fleet: 'bench', seed: 5 });
    const start = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
    let ndjsonBytes = 0;
    const tPublish = performance.now();
    for (let i = 0; i < POSITIONS; i += 10_000) {
      for (const p of sim.take(Math.min(10_000, POSITIONS - i), start + Math.floor((i / POSITIONS) * 3_000_000))) {
        const body = JSON.stringify(p);
        ndjsonBytes += Buffer.byteLength(body) + 1;
        nc.publish('pos.bench', body);
      }
      await nc.flush();
    }
    await waitFor(async () => (await jsm.streams.info('POSITIONS')).state.messages >= POSITIONS, { timeoutMs: 300_000, what: 'stream filled' });
    log(`published ${POSITIONS} in ${((performance.now() - tPublish) / 1000).toFixed(1)} s`);

    // (a) Baseline: the same stream through a durable pull consumer, ack only.
    await jsm.consumers.add('POSITIONS', { durable_name: 'baseline', ack_policy: AckPolicy.Explicit, max_ack_pending: 20_000 });
    const consumer = await jetstream(nc).consumers.get('POSITIONS', 'baseline');
    const tBase = performance.now();
    const messages = await consumer.consume({ max_messages: 10_000 });
    let seen = 0;
    for await (const m of messages) {
      m.ack();
      if (++seen >= POSITIONS) break;
    }
    const baselineS = (performance.now() - tBase) / 1000;
    messages.stop();
    await nc.close();
    log(`baseline: ${Math.round(POSITIONS / baselineS)} positions/s (consume + ack)`);

    // (b) The full pipeline through the engine, including the roll into Parquet.
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const tPipe = performance.now();
    const engine = await startEngine({
      argv: ['--data-dir', dataDir.path, '--nats', nats.url, '--history.graceS', '0', '--history.rollIntervalS', '3600', '--live.maxResolution', '9'],
      env: {},
      log: () => {},
    });
    await waitFor(() => (engine.status().ingest?.committed ?? 0) >= POSITIONS, { timeoutMs: 600_000, intervalMs: 20, what: 'all positions committed', detail: () => JSON.stringify(engine.status()) });
    const committedS = (performance.now() - tPipe) / 1000;
    // The archive step of the pipeline, timed as part of it.
    await engine.stop();
    const store = await HistoryStore.open({ dataDir: dataDir.path, graceMs: 0 });
    await store.roll(Date.now());
    const counts = await store.counts();
    await store.close();
    const pipelineS = (performance.now() - tPipe) / 1000;
    clearInterval(sampler);
    if (counts.hot + counts.archived !== POSITIONS) throw new Error(`history holds ${counts.hot + counts.archived}, expected ${POSITIONS}`);
    const archiveBytes = parquetBytes(join(dataDir.path, 'archive'));
    log(`pipeline: ${Math.round(POSITIONS / pipelineS)} positions/s end to end (${Math.round(POSITIONS / committedS)}/s to committed), archived ${counts.archived}`);

    const result = {
      scenario: 'ingest',
      when: new Date().toISOString(),
      machine: { cores: cpus().length, node: process.version },
      positions: POSITIONS,
      baseline_per_s: Math.round(POSITIONS / baselineS),
      pipeline_per_s: Math.round(POSITIONS / pipelineS),
      pipeline_to_commit_per_s: Math.round(POSITIONS / committedS),
      ratio: round(POSITIONS / pipelineS / (POSITIONS / baselineS), 3),
      ndjson_bytes_per_position: round(ndjsonBytes / POSITIONS, 1),
      archive_bytes_per_position: round(archiveBytes / POSITIONS, 2),
      archive_compression_ratio: round(ndjsonBytes / archiveBytes, 2),
      rss_mb: Math.round(peakRss / 2 ** 20),
      targets: { pipeline_per_s: 100_000, ratio: 0.5, archive_compression_ratio: 8, rss_mb: 600 },
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/ingest.json', `${JSON.stringify(result, null, 2)}\n`);
    log(JSON.stringify(result, null, 2));
  } finally {
    await nats.stop();
    await dataDir.remove();
  }
}

await main();
