/**
 * npm run bench -- ingest [--positions N]
 * 1M simulated positions in JetStream, then in the same run: (a) the baseline, a raw consume + ack of
 * that stream with no processing, and (b) the full pipeline (decode, validate, H3, live aggregation,
 * DuckDB commit, Parquet archive) through the engine in its own process (peak RSS from
 * /proc/<pid>/status). Needs the build (npm run bench builds). Writes bench/results/ingest.json.
 * --profile DIR writes V8 CPU profiles of the engine into DIR.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import type { Status } from '../shared/rpc';
import { Simulator } from '../main/simulator';
import { connectRpc, makeTempDir, startNats, startWebMode, waitFor } from '../tests/helpers';
import { round } from './stats';

const arg = process.argv.indexOf('--positions');
const POSITIONS = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
// --profile DIR: V8 CPU profiles of the engine's threads (main and the NATS reader) into DIR.
const profileArg = process.argv.indexOf('--profile');
const PROFILE_DIR = profileArg > 0 ? process.argv[profileArg + 1] : undefined;
const log = (s: string) => process.stdout.write(`${s}\n`);

function parquetBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (name.endsWith('.parquet')) total += statSync(join(dir, name)).size;
  }
  return total;
}

/** Pull + ack over the JetStream protocol with nothing else: the floor any ingest pays. */
async function rawPullAck(nc: NatsConnection, stream: string, consumer: string, n: number): Promise<void> {
  const inbox = createInbox();
  const empty = new Uint8Array(0);
  let received = 0;
  let outstanding = 0;
  await new Promise<void>((resolve) => {
    const pull = () => {
      outstanding += 10_000;
      nc.publish(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`, JSON.stringify({ batch: 10_000, expires: 30e9 }), { reply: inbox });
    };
    const sub = nc.subscribe(inbox, {
      callback: (_err, m) => {
        if (!m.reply) return;
        nc.publish(m.reply, empty);
        outstanding--;
        if (++received >= n) {
          sub.unsubscribe();
          resolve();
        } else if (outstanding < 10_000) pull();
      },
    });
    pull();
    pull();
  });
  await nc.flush();
}

/** User + system CPU seconds of a process (Linux /proc), or of one thread with `/proc/<pid>/task/<tid>/stat`. */
function cpuSeconds(pid: number, stat = `/proc/${pid}/stat`): number {
  const fields = readFileSync(stat, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Busy and total CPU seconds of the whole machine so far (/proc/stat; every core, every process, interrupts). */
function machineCpu(): { busy: number; total: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0); // user … steal (guest time is inside user)
  return { busy: (total - ticks[3] - ticks[4]) / 100, total: total / 100 }; // minus idle and iowait
}

/** CPU seconds of each thread that used more than 0.05 s, busiest first (main, the NATS reader worker, DuckDB's pool…), by thread id. */
function threadCpu(pid: number): Record<string, number> {
  const threads: [string, number][] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = cpuSeconds(pid, `/proc/${pid}/task/${tid}/stat`);
      if (s > 0.05) threads.push([Number(tid) === pid ? 'main' : tid, round(s, 2)]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return Object.fromEntries(threads.sort((a, b) => b[1] - a[1]));
}

async function main() {
  log(`hexwatch bench ingest: ${POSITIONS} positions, ${cpus().length} cores, node ${process.version}`);
  const nats = await startNats({ args: ['-m', '0'] });
  const dataDir = await makeTempDir('hexwatch-bench-ingest-');
  try {
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
    // 10k devices reporting once a second (fleets report every 1–10 s), two hours ago, so the hourly
    // roll archives all of them within the measured run.
    const DEVICES = 10_000;
    const sim = new Simulator({ devices: DEVICES, ratePerSec: 1, center: [-73.9851, 40.7589], radiusKm: 20, speedMps: 9, fleet: 'bench', seed: 5 });
    const start = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
    let ndjsonBytes = 0;
    const tPublish = performance.now();
    for (let i = 0; i < POSITIONS; i += DEVICES) {
      for (const p of sim.take(Math.min(DEVICES, POSITIONS - i), start + (i / DEVICES) * 1000)) {
        const body = JSON.stringify(p);
        ndjsonBytes += Buffer.byteLength(body) + 1;
        nc.publish('pos.bench', body);
      }
      await nc.flush();
    }
    await waitFor(async () => (await jsm.streams.info('POSITIONS')).state.messages >= POSITIONS, { timeoutMs: 300_000, what: 'stream filled' });
    log(`published ${POSITIONS} in ${((performance.now() - tPublish) / 1000).toFixed(1)} s`);

    // (a) Baselines: the same stream consumed and acked with no processing, (1) over the JetStream
    // protocol directly, as the engine's reader does, and (2) through the client's consume() for reference.
    await jsm.consumers.add('POSITIONS', { durable_name: 'baseline', ack_policy: AckPolicy.Explicit, max_ack_pending: 20_000 });
    const tBase = performance.now();
    await rawPullAck(nc, 'POSITIONS', 'baseline', POSITIONS);
    const baselineS = (performance.now() - tBase) / 1000;
    log(`baseline: ${Math.round(POSITIONS / baselineS)} positions/s (raw pull + ack)`);
    await jsm.consumers.add('POSITIONS', { durable_name: 'client', ack_policy: AckPolicy.Explicit, max_ack_pending: 20_000 });
    const consumer = await jetstream(nc).consumers.get('POSITIONS', 'client');
    const tClient = performance.now();
    const messages = await consumer.consume({ max_messages: 10_000 });
    let seen = 0;
    for await (const m of messages) {
      m.ack();
      if (++seen >= POSITIONS) break;
    }
    const clientS = (performance.now() - tClient) / 1000;
    messages.stop();
    await nc.close();
    log(`client consume(): ${Math.round(POSITIONS / clientS)} positions/s (consume + ack)`);

    // (b) The full pipeline: the engine in its own process (as users run it), from start to every
    // position committed and archived into Parquet; its peak RSS read from the kernel.
    const natsCpuBefore = cpuSeconds(nats.proc.pid!);
    const machineBefore = machineCpu();
    let machineBusy = 0;
    let engineCpuS = 0;
    let engineThreads: Record<string, number> = {};
    let natsCpuS = 0;
    const tPipe = performance.now();
    const web = await startWebMode({
      dataDir: dataDir.path,
      args: ['--nats', nats.url, '--history.graceS', '0', '--history.rollIntervalS', '3600'],
      timeoutMs: 60_000,
      nodeArgs: [...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), ...(process.env.BENCH_NODE_ARGS?.split(' ') ?? [])],
    });
    const readyS = (performance.now() - tPipe) / 1000;
    let committedS = 0;
    let peakRssMb = 0;
    let counts = { hot: 0, archived: 0 };
    try {
      const rpc = await connectRpc(web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
      if (!rpc.ok) throw new Error(rpc.error);
      const call = async <T>(method: string): Promise<T> => {
        const reply = await rpc.client.call(method, {}, 600_000);
        if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
        return reply.result as T;
      };
      await waitFor(async () => ((await call<Status>('engine.status')).ingest?.committed ?? 0) >= POSITIONS, {
        timeoutMs: 600_000,
        intervalMs: 25,
        what: 'all positions committed',
        detail: () => web.proc.tail(),
      });
      committedS = (performance.now() - tPipe) / 1000;
      await call('history.roll');
      counts = await call<{ hot: number; archived: number }>('history.counts');
      peakRssMb = Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${web.proc.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
      engineCpuS = cpuSeconds(web.proc.pid!);
      engineThreads = threadCpu(web.proc.pid!);
      natsCpuS = cpuSeconds(nats.proc.pid!) - natsCpuBefore;
      machineBusy = machineCpu().busy - machineBefore.busy;
      await rpc.client.close();
    } finally {
      await web.stop();
    }
    const pipelineS = (performance.now() - tPipe) / 1000;
    if (counts.hot + counts.archived !== POSITIONS) throw new Error(`history holds ${counts.hot + counts.archived}, expected ${POSITIONS}`);
    const archiveBytes = parquetBytes(join(dataDir.path, 'archive'));
    log(`pipeline: ${Math.round(POSITIONS / pipelineS)} positions/s end to end (${Math.round(POSITIONS / committedS)}/s to committed), archived ${counts.archived}`);

    const result = {
      scenario: 'ingest',
      when: new Date().toISOString(),
      machine: { cores: cpus().length, node: process.version },
      positions: POSITIONS,
      baseline_per_s: Math.round(POSITIONS / baselineS),
      baseline_client_consume_per_s: Math.round(POSITIONS / clientS),
      pipeline_per_s: Math.round(POSITIONS / pipelineS),
      pipeline_to_commit_per_s: Math.round(POSITIONS / committedS),
      ratio: round(POSITIONS / pipelineS / (POSITIONS / baselineS), 3),
      ndjson_bytes_per_position: round(ndjsonBytes / POSITIONS, 1),
      archive_bytes_per_position: round(archiveBytes / POSITIONS, 2),
      archive_compression_ratio: round(ndjsonBytes / archiveBytes, 2),
      rss_mb: peakRssMb,
      // CPU over the pipeline's wall time: 2.0 would be both cores busy with the engine alone.
      engine_cores_busy: round(engineCpuS / pipelineS, 2),
      nats_server_cores_busy: round(natsCpuS / pipelineS, 2),
      machine_cores_busy: round(machineBusy / pipelineS, 2),
      engine_cpu_s_by_thread: engineThreads,
      engine_ready_s: round(readyS, 2),
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
