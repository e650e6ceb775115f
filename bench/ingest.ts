/**
 * npm run bench -- ingest [--positions N] [--rounds R] [--profile DIR] [--engine-args "…"] [--node-args "…"]
 * 1M simulated positions in JetStream, then in the same run, R rounds (default 3) of: (a) the baseline,
 * a raw consume + ack of that stream with no processing (an ack a message; and beside it, an ack per 1,000 on
 * an ack-policy-"all" consumer, as the engine acks one of its own), and (b) the full pipeline (decode, validate,
 * H3, live aggregation, DuckDB commit, Parquet archive) through the engine in its own process (peak RSS
 * from /proc/<pid>/status), each on a fresh consumer. Both are timed from the server's first delivery;
 * the engine's start-up before it is reported beside (engine_start_s, pipeline_from_spawn_per_s and
 * ratio_from_spawn). Figures are medians over the rounds. Then freshness: a steady stream at 1,000, 10,000
 * and 50,000 positions/s (ten seconds each, its own stream; bench/ingest-freshness.ts) into a fresh engine, and each
 * position's publish → committed delay (p50, p99) read off the engine's committed count, sampled every
 * 10 ms, against the publisher's clock; steady_p50_ms/steady_p99_ms leave out the positions of the first
 * two seconds (the fresh engine's code warming up while the stream already flows, warmup_max_ms).
 * --freshness-only skips the throughput rounds. Needs the
 * build (npm run bench builds). Writes bench/results/ingest.json. --profile DIR writes V8 CPU profiles
 * of the first round's engine into DIR.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, createInbox, type NatsConnection } from '@nats-io/transport-node';
import { Simulator } from '../main/simulator';
import { callOf, connectRpc, makeTempDir, type RunningServer, startNats, startWebMode, waitFor } from '../tests/helpers';
import { freshnessRuns } from './ingest-freshness';
import { writeResult } from './results';
import { threadCpu } from './thread-cpu';
import { median, round } from './stats';

const arg = process.argv.indexOf('--positions');
const POSITIONS = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
// --profile DIR: V8 CPU profiles of the engine's threads (main and the NATS reader) into DIR.
const profileArg = process.argv.indexOf('--profile');
const PROFILE_DIR = profileArg > 0 ? process.argv[profileArg + 1] : undefined;
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
// For tuning: --engine-args "--nats.batch 10000" (settings flags), --node-args "--v8-pool-size=1".
const listArg = (name: string): string[] => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1].split(' ').filter(Boolean) : [];
};
const ENGINE_ARGS = listArg('--engine-args');
const FRESHNESS_ONLY = process.argv.includes('--freshness-only');
const NODE_ARGS = listArg('--node-args');
const log = (s: string) => process.stdout.write(`${s}\n`);

function parquetBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (name.endsWith('.parquet')) total += statSync(join(dir, name)).size;
  }
  return total;
}

/**
 * Pull + ack over the JetStream protocol with nothing else: the floor any ingest pays. `ackEvery` 1: each
 * message acked (ack policy "explicit"); N: every Nth and the last (ack policy "all": one covers all before it).
 */
async function rawPullAck(nc: NatsConnection, stream: string, consumer: string, n: number, ackEvery = 1): Promise<void> {
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
        outstanding--;
        if (++received % ackEvery === 0 || received >= n) nc.publish(m.reply, empty);
        if (received >= n) {
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

/** A process's peak resident set so far, in MB (VmHWM). */
function peakRss(pid: number): number {
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
}

/** CPU seconds of each thread that used more than 0.05 s, busiest first (main, the NATS reader worker, DuckDB's pool…), by thread id. */
function busiestThreads(pid: number): Record<string, number> {
  const threads = [...threadCpu(pid)].filter(([, s]) => s > 0.05).sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(threads.map(([tid, s]) => [tid === pid ? 'main' : String(tid), round(s, 2)]));
}

interface Round {
  baselinePerS: number;
  /** The baseline with ack policy "all" and an ack per 1,000 messages (as the engine acks a consumer of its own). */
  baselineRangePerS: number;
  /** Seconds from the engine's spawn to the server's first delivery to it (start-up: imports, DuckDB, the worker, the connection). */
  firstDeliveryS: number;
  /** Positions/s from the engine's spawn to every position archived: start-up included. */
  fromSpawnPerS: number;
  /** CPU seconds per million positions in the baseline: nats-server's and the consuming client's. */
  baselineCpu: { nats: number; client: number };
  pipelinePerS: number;
  toCommitPerS: number;
  readyS: number;
  peakRssMb: number;
  /** Peak RSS before the final roll (the roll's sort is the rest). */
  ingestRssMb: number;
  engineCores: number;
  natsCores: number;
  machineCores: number;
  threads: Record<string, number>;
  archiveBytes: number;
}

/** performance.now() when the server first delivers from `consumer` (polled every 5 ms), or when `stop` says so. */
async function firstDelivery(jsm: JetStreamManager, consumer: string, stop: { done: boolean }): Promise<number> {
  while (!stop.done) {
    const info = await jsm.consumers.info('POSITIONS', consumer);
    if (info.delivered.stream_seq > 0) return performance.now();
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now();
}

/**
 * (b) The full pipeline: the engine in its own process (as users run it) on a fresh consumer, from the
 * server's first delivery to it (as the baseline is timed) to every position committed and archived
 * into Parquet; its start-up is measured beside. Its peak RSS read from the kernel.
 */
async function runPipeline(nats: RunningServer, jsm: JetStreamManager, dataDir: string, consumer: string, profileDir: string | undefined): Promise<Round> {
  // The consumer the engine would create (prepare() in nats-reader.ts), made first so its deliveries can be watched.
  await jsm.consumers.add('POSITIONS', {
    durable_name: consumer,
    // A consumer of its own (the embedded fence engine's) is acked in ranges.
    ack_policy: AckPolicy.All,
    deliver_policy: DeliverPolicy.All,
    ack_wait: 30e9,
    max_ack_pending: 40_000,
  });
  const watching = { done: false };
  const natsCpuBefore = cpuSeconds(nats.proc.pid!);
  const machineBefore = machineCpu();
  const tPipe = performance.now();
  const delivered = firstDelivery(jsm, consumer, watching);
  const web = await startWebMode({
    dataDir,
    args: [...ENGINE_ARGS, '--nats', nats.url, '--nats.consumer', consumer, '--history.graceS', '0', '--history.rollIntervalS', '3600'],
    timeoutMs: 60_000,
    nodeArgs: [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...NODE_ARGS],
  });
  const readyS = (performance.now() - tPipe) / 1000;
  try {
    const rpc = await connectRpc(web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
    if (!rpc.ok) throw new Error(rpc.error);
    const call = callOf(rpc.client, 600_000);
    await waitFor(async () => ((await call('status.get')).ingest?.committed ?? 0) >= POSITIONS, {
      timeoutMs: 600_000,
      intervalMs: 25,
      what: 'all positions committed',
      detail: () => web.proc.tail(),
    });
    const tCommitted = performance.now();
    const ingestRssMb = peakRss(web.proc.pid!);
    await call('history.roll');
    const counts = await call('history.counts');
    const tEnd = performance.now();
    if (counts.hot + counts.archived !== POSITIONS) throw new Error(`history holds ${counts.hot + counts.archived}, expected ${POSITIONS}`);
    const tFirst = await delivered;
    const wallS = (tEnd - tPipe) / 1000;
    const round: Round = {
      baselinePerS: 0,
      baselineRangePerS: 0,
      baselineCpu: { nats: 0, client: 0 },
      firstDeliveryS: (tFirst - tPipe) / 1000,
      fromSpawnPerS: POSITIONS / wallS,
      pipelinePerS: POSITIONS / ((tEnd - tFirst) / 1000),
      toCommitPerS: POSITIONS / ((tCommitted - tFirst) / 1000),
      readyS,
      peakRssMb: peakRss(web.proc.pid!),
      ingestRssMb,
      engineCores: cpuSeconds(web.proc.pid!) / wallS,
      natsCores: (cpuSeconds(nats.proc.pid!) - natsCpuBefore) / wallS,
      machineCores: (machineCpu().busy - machineBefore.busy) / wallS,
      threads: busiestThreads(web.proc.pid!),
      archiveBytes: 0,
    };
    await rpc.client.close();
    return round;
  } finally {
    watching.done = true;
    await web.stop();
  }
}

async function main() {
  log(`hexwatch bench ingest: ${POSITIONS} positions, ${cpus().length} cores, node ${process.version}`);
  const nats = await startNats({ args: ['-m', '0'] });
  try {
    const nc = await connect({ servers: nats.url });
    if (FRESHNESS_ONLY) {
      log(JSON.stringify({ freshness: await freshnessRuns(nats, nc, { engine: ENGINE_ARGS, node: NODE_ARGS }) }, null, 2));
      await nc.close();
      return;
    }
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

    // (c) For reference, once: the client's own consume() + ack.
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
    log(`client consume(): ${Math.round(POSITIONS / clientS)} positions/s (consume + ack)`);

    // Rounds of (a) then (b), each on its own consumer and data folder: the machine's speed drifts
    // from minute to minute, so the ratio is of medians taken over the same stretch of time.
    const rounds: Round[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      await jsm.consumers.add('POSITIONS', { durable_name: `baseline-${r}`, ack_policy: AckPolicy.Explicit, max_ack_pending: 20_000 });
      const natsBefore = cpuSeconds(nats.proc.pid!);
      const selfBefore = process.cpuUsage();
      const tBase = performance.now();
      await rawPullAck(nc, 'POSITIONS', `baseline-${r}`, POSITIONS);
      const baselinePerS = POSITIONS / ((performance.now() - tBase) / 1000);
      const self = process.cpuUsage(selfBefore);
      const baselineCpu = {
        nats: (cpuSeconds(nats.proc.pid!) - natsBefore) * (1e6 / POSITIONS),
        client: ((self.user + self.system) / 1e6) * (1e6 / POSITIONS),
      };
      await jsm.consumers.add('POSITIONS', { durable_name: `baseline-all-${r}`, ack_policy: AckPolicy.All, max_ack_pending: 20_000 });
      const tRange = performance.now();
      await rawPullAck(nc, 'POSITIONS', `baseline-all-${r}`, POSITIONS, 1000);
      const baselineRangePerS = POSITIONS / ((performance.now() - tRange) / 1000);
      const dataDir = await makeTempDir('hexwatch-bench-ingest-');
      try {
        const one = await runPipeline(nats, jsm, dataDir.path, `hexwatch-${r}`, r === 1 ? PROFILE_DIR : undefined);
        one.baselinePerS = baselinePerS;
        one.baselineRangePerS = baselineRangePerS;
        one.baselineCpu = baselineCpu;
        one.archiveBytes = parquetBytes(join(dataDir.path, 'archive'));
        rounds.push(one);
        log(
          `round ${r}: baseline ${Math.round(baselinePerS)}/s (raw pull + ack; ${Math.round(baselineRangePerS)}/s acking ranges), pipeline ${Math.round(one.pipelinePerS)}/s end to end (${Math.round(one.toCommitPerS)}/s to committed; ` +
            `${Math.round(one.fromSpawnPerS)}/s counting the ${round(one.firstDeliveryS, 2)} s start-up), ratio ${round(one.pipelinePerS / baselinePerS, 3)}`,
        );
      } finally {
        await dataDir.remove();
      }
    }
    const fresh = await freshnessRuns(nats, nc, { engine: ENGINE_ARGS, node: NODE_ARGS });
    await nc.close();

    const med = (f: (r: Round) => number) => median(rounds.map(f));
    const last = rounds[rounds.length - 1];
    const result = {
      scenario: 'ingest',
      when: new Date().toISOString(),
      machine: { cores: cpus().length, node: process.version },
      positions: POSITIONS,
      rounds: ROUNDS,
      baseline_per_s: Math.round(med((r) => r.baselinePerS)),
      baseline_client_consume_per_s: Math.round(POSITIONS / clientS),
      // Timed as the baseline is, from the first delivery: to every position committed and archived.
      pipeline_per_s: Math.round(med((r) => r.pipelinePerS)),
      pipeline_to_commit_per_s: Math.round(med((r) => r.toCommitPerS)),
      // From the engine's spawn instead: its start-up (engine_start_s) counted in.
      pipeline_from_spawn_per_s: Math.round(med((r) => r.fromSpawnPerS)),
      ratio_from_spawn: round(med((r) => r.fromSpawnPerS) / med((r) => r.baselinePerS), 3),
      ratio: round(med((r) => r.pipelinePerS) / med((r) => r.baselinePerS), 3),
      ratio_per_round: rounds.map((r) => round(r.pipelinePerS / r.baselinePerS, 3)),
      // The same pipeline against a raw pull that also acks ranges: what the engine adds to the wire's floor.
      baseline_range_acks_per_s: Math.round(med((r) => r.baselineRangePerS)),
      ratio_to_range_acks_baseline: round(med((r) => r.pipelinePerS) / med((r) => r.baselineRangePerS), 3),
      ndjson_bytes_per_position: round(ndjsonBytes / POSITIONS, 1),
      archive_bytes_per_position: round(last.archiveBytes / POSITIONS, 2),
      archive_compression_ratio: round(ndjsonBytes / last.archiveBytes, 2),
      rss_mb: Math.max(...rounds.map((r) => r.peakRssMb)),
      rss_mb_before_roll: Math.max(...rounds.map((r) => r.ingestRssMb)),
      // CPU over the pipeline's wall time (medians): 2.0 would be both cores busy with the engine alone.
      engine_cores_busy: round(
        med((r) => r.engineCores),
        2,
      ),
      nats_server_cores_busy: round(
        med((r) => r.natsCores),
        2,
      ),
      machine_cores_busy: round(
        med((r) => r.machineCores),
        2,
      ),
      engine_ready_s: round(
        med((r) => r.readyS),
        2,
      ),
      engine_start_s: round(
        med((r) => r.firstDeliveryS),
        2,
      ),
      // Where the CPU goes, in seconds per million positions (medians): the ratio's ceiling on 2 cores.
      cpu_s_per_million: {
        baseline_nats_server: round(
          med((r) => r.baselineCpu.nats),
          2,
        ),
        baseline_client: round(
          med((r) => r.baselineCpu.client),
          2,
        ),
        pipeline_nats_server: round(
          med((r) => (r.natsCores * 1e6) / r.fromSpawnPerS),
          2,
        ),
        pipeline_engine: round(
          med((r) => (r.engineCores * 1e6) / r.fromSpawnPerS),
          2,
        ),
      },
      engine_cpu_s_by_thread_last_round: last.threads,
      // A steady stream at each rate: publish → committed, against the publisher's clock.
      freshness: fresh.map(({ rate, p50_ms, p99_ms, steady_p50_ms, steady_p99_ms, warmup_max_ms }) => ({
        rate,
        p50_ms,
        p99_ms,
        steady_p50_ms,
        steady_p99_ms,
        warmup_max_ms,
      })),
      targets: { pipeline_per_s: 100_000, ratio: 0.5, archive_compression_ratio: 8, rss_mb: 600, freshness_p99_ms: 1000 },
    };
    writeResult('ingest', result);
    log(JSON.stringify(result, null, 2));
  } finally {
    await nats.stop();
  }
}

await main();
