/**
 * npm run bench -- queue [--events N] [--only enqueue|e2e|e2e-slowed|e2e-slowed-tick|drain]
 * The durable delivery queue on a real SQLite file (synchronous = FULL) and a loopback HTTP receiver
 * on its own thread, each figure beside a baseline measured in the same run:
 *   enqueue      events/s recorded + queued durably, batches of 500 (baseline: plain INSERTs of the
 *                same payloads into a bare table, same file settings); and one event per `enqueueDurably`
 *                call, 500 calls a turn, every call awaited (the group commit)
 *   e2e          enqueue → answered by the receiver, at 1,000 events/s, a durable enqueue per event
 *                (`enqueueDurably`, group-committed; p50/p95/p99 after 3 s of warm-up, whose own p99 is
 *                reported too; baseline: the same events POSTed straight from the same loop) — once as is,
 *                then with the CPU slowed (a CPU-burning process per core), per event and with one
 *                `enqueue` transaction per 1 ms tick (as the engine enqueues a batch); with the process's CPU
 *                per event over each phase (of it, the kernel's: writes and fsyncs)
 *   drain        100k pending items delivered (baseline: the same POSTs with no queue, at the same
 *                concurrency, from node:http — the historical figure — and from undici, the queue's client)
 * Writes bench/results/queue.json.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from 'undici';
import type { FenceEvent } from '../shared/fence-event';
import { DeliveryService, payloadOf } from '../main/deliveries';
import { makeTempDir, TEST_SECRET } from '../tests/helpers';
import { writeResult } from './results';
import { median, percentile, round } from './stats';

const arg = process.argv.indexOf('--events');
const DRAIN = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg > 0 ? process.argv[onlyArg + 1] : undefined;
const ENQUEUE_EVENTS = 200_000;
const ENQUEUE_BATCH = 500;
const E2E_RATE = 1000;
const E2E_SECONDS = 15;
const E2E_WARMUP_SECONDS = 3;
const FENCES = 200;
const CONCURRENCY = 64;
const log = (s: string) => process.stdout.write(`${s}\n`);
const now = () => Number(process.hrtime.bigint()) / 1e6;

const event = (i: number): FenceEvent => ({
  event_type: i % 2 ? 'exit' : 'enter',
  fence_id: `fence-${i % FENCES}`,
  device_id: `device-${(i * 7919) % 100_000}`,
  position: { lat: 40.7 + (i % 1000) * 1e-5, lon: -73.9 - (i % 997) * 1e-5 },
  timestamp: i,
  source: 'embedded',
});

/**
 * The receiver on its own thread (its own core): answers 200 at once and reports, per request, the
 * event's index and the arrival time on the process-wide monotonic clock.
 */
async function startReceiver(): Promise<{ url: string; arrivals: Map<number, number>; count: () => number; close: () => Promise<void> }> {
  const worker = new Worker(
    `
    const http = require('node:http');
    const { parentPort } = require('node:worker_threads');
    let pending = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const at = Number(process.hrtime.bigint()) / 1e6;
        const i = body.indexOf('"timestamp":', body.indexOf('"data"'));
        pending.push(parseInt(body.slice(i + 12), 10), at);
        res.writeHead(200, { 'content-length': '2' }).end('ok');
      });
    });
    server.keepAliveTimeout = 60000;
    setInterval(() => { if (pending.length) { parentPort.postMessage(pending); pending = []; } }, 5);
    server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
    `,
    { eval: true },
  );
  const arrivals = new Map<number, number>();
  let count = 0;
  const port = await new Promise<number>((resolve) =>
    worker.on('message', (m: { port: number } | number[]) => {
      if (!Array.isArray(m)) return resolve(m.port);
      for (let k = 0; k < m.length; k += 2) {
        count++;
        if (!arrivals.has(m[k])) arrivals.set(m[k], m[k + 1]);
      }
    }),
  );
  return { url: `http://127.0.0.1:${port}/hook`, arrivals, count: () => count, close: () => worker.terminate().then(() => undefined) };
}

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 10));
};

async function benchEnqueue(dir: string): Promise<{ queue_per_s: number; durably_per_s: number; baseline_per_s: number }> {
  const runs: number[] = [];
  const durably: number[] = [];
  const base: number[] = [];
  for (let run = 0; run < 3; run++) {
    const service = new DeliveryService({ dataDir: join(dir, `enqueue-${run}`), settings: { feed: false } });
    service.queue.targets.upsert({ id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/', timeoutMs: 1000, concurrency: 1 });
    const events = Array.from({ length: ENQUEUE_EVENTS }, (_, i) => event(run * ENQUEUE_EVENTS + i));
    let t = now();
    for (let i = 0; i < events.length; i += ENQUEUE_BATCH) service.queue.enqueue(events.slice(i, i + ENQUEUE_BATCH));
    runs.push(ENQUEUE_EVENTS / ((now() - t) / 1000));
    await service.stop();

    // A caller per event: ENQUEUE_BATCH calls a turn, each answered once its group is on disk.
    const grouped = new DeliveryService({ dataDir: join(dir, `enqueue-durably-${run}`), settings: { feed: false } });
    grouped.queue.targets.upsert({ id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/', timeoutMs: 1000, concurrency: 1 });
    const answers: Promise<unknown>[] = [];
    t = now();
    for (let i = 0; i < events.length; i += ENQUEUE_BATCH) {
      for (let k = i; k < i + ENQUEUE_BATCH; k++) answers.push(grouped.queue.enqueueDurably([events[k]]));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(answers);
    durably.push(ENQUEUE_EVENTS / ((now() - t) / 1000));
    await grouped.stop();

    // Baseline: the same payloads as plain INSERTs, same journal and sync settings, no dedup, no log.
    mkdirSync(join(dir, `plain-${run}`));
    const db = new Database(join(dir, `plain-${run}`, 'plain.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE q (seq INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
    const put = db.prepare('INSERT INTO q (payload) VALUES (?)');
    const many = db.transaction((batch: FenceEvent[]) => {
      for (const e of batch) put.run(payloadOf(e));
    });
    t = now();
    for (let i = 0; i < events.length; i += ENQUEUE_BATCH) many.immediate(events.slice(i, i + ENQUEUE_BATCH));
    base.push(ENQUEUE_EVENTS / ((now() - t) / 1000));
    db.close();
  }
  log(
    `enqueue: ${runs.map(Math.round).join(', ')} /s; a call per event ${durably.map(Math.round).join(', ')} /s; plain INSERT ${base.map(Math.round).join(', ')} /s`,
  );
  return { queue_per_s: Math.round(median(runs)), durably_per_s: Math.round(median(durably)), baseline_per_s: Math.round(median(base)) };
}

/**
 * Paces events at E2E_RATE for `seconds`, numbering them from `base`; returns when each was sent. Each
 * tick sends the events due by now: `send` with one at a time, as they come, or `sendTick` with all of the
 * tick's at once (as the engine enqueues an ingest batch's events).
 */
async function paced(
  base: number,
  seconds: number,
  send: { one: (i: number) => void } | { tick: (first: number, count: number) => void },
): Promise<Map<number, number>> {
  const total = E2E_RATE * seconds;
  const sent = new Map<number, number>();
  const start = now();
  let i = 0;
  while (i < total) {
    const due = Math.min(total, Math.floor(((now() - start) / 1000) * E2E_RATE));
    if ('tick' in send) {
      const first = i;
      for (const t = now(); i < due; i++) sent.set(base + i, t);
      if (i > first) send.tick(base + first, i - first);
    } else
      for (; i < due; i++) {
        sent.set(base + i, now());
        send.one(base + i);
      }
    await new Promise((r) => setTimeout(r, 1));
  }
  return sent;
}

/** A durable enqueue per event (group commit), one `enqueue` per 1 ms tick, or the former: `enqueue` per event, its fsync on the main thread. */
type E2eMode = 'per-event' | 'per-tick' | 'per-event-on-main-thread';

type Latency = { p50_ms: number; p95_ms: number; p99_ms: number };

async function latencies(sent: Map<number, number>, receiver: Awaited<ReturnType<typeof startReceiver>>): Promise<Latency> {
  await until(() => [...sent.keys()].every((k) => receiver.arrivals.has(k)));
  const l = [...sent].map(([k, t]) => receiver.arrivals.get(k)! - t);
  return { p50_ms: round(percentile(l, 50)), p95_ms: round(percentile(l, 95)), p99_ms: round(percentile(l, 99)) };
}

/** A paced phase's latencies, with the process's CPU per event over it (every thread's: the receiver's too, as in its baseline). */
async function measured(base: number, send: Parameters<typeof paced>[2], receiver: Awaited<ReturnType<typeof startReceiver>>) {
  const cpu = process.cpuUsage();
  const latency = await latencies(await paced(base, E2E_SECONDS, send), receiver);
  const used = process.cpuUsage(cpu);
  const perEvent = (us: number) => round(us / (E2E_RATE * E2E_SECONDS));
  return { ...latency, cpu_us_per_event: perEvent(used.user + used.system), of_it_kernel_us: perEvent(used.system) };
}

/**
 * Enqueue → receiver at E2E_RATE, one transaction per event (or per tick); beside it, the same events
 * POSTed with no queue.
 */
async function benchE2e(dir: string, receiver: Awaited<ReturnType<typeof startReceiver>>, base: number, mode: E2eMode = 'per-event') {
  const service = new DeliveryService({ dataDir: join(dir, `e2e-${base}`), env: { HEXWATCH_SECRET_BENCH: TEST_SECRET }, settings: { feed: false } });
  service.queue.targets.upsert({ id: 'hook', kind: 'webhook', url: receiver.url, secretRef: 'bench', timeoutMs: 5000, concurrency: CONCURRENCY });
  service.start();
  const enqueue =
    mode === 'per-tick'
      ? { tick: (first: number, count: number) => void service.queue.enqueue(Array.from({ length: count }, (_, k) => event(first + k))) }
      : mode === 'per-event-on-main-thread'
        ? { one: (i: number) => void service.queue.enqueue([event(i)]) }
        : { one: (i: number) => void service.queue.enqueueDurably([event(i)]) };
  const cold = await latencies(await paced(base, E2E_WARMUP_SECONDS, enqueue), receiver);
  // How long the main thread was held at a time (an fsync on it holds everything else: claims, POSTs, answers).
  const blocked = monitorEventLoopDelay({ resolution: 1 });
  blocked.enable();
  const queue = await measured(base + 1_000_000, enqueue, receiver);
  blocked.disable();
  await service.stop();
  const main_thread_blocked_p99_ms = round(blocked.percentile(99) / 1e6);
  if (mode === 'per-event-on-main-thread') return { queue, cold, main_thread_blocked_p99_ms };

  const agent = new Agent({ connections: CONCURRENCY });
  const url = new URL(receiver.url);
  const post = (i: number) =>
    void agent
      .request({ origin: url.origin, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body: payloadOf(event(i)) })
      .then((r) => r.body.dump());
  const bare = await measured(base + 2_000_000, { one: post }, receiver);
  await agent.close();
  return { queue, bare, cold, main_thread_blocked_p99_ms };
}

/** One busy-looping process per core, beside the bench: the machine's CPU, halved. */
function burnCpu(): () => void {
  const burners: ChildProcess[] = cpus().map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return () => burners.forEach((b) => b.kill('SIGKILL'));
}

async function benchDrain(dir: string, receiver: Awaited<ReturnType<typeof startReceiver>>) {
  const service = new DeliveryService({ dataDir: join(dir, 'drain'), env: { HEXWATCH_SECRET_BENCH: TEST_SECRET }, settings: { feed: false } });
  service.queue.targets.upsert({ id: 'hook', kind: 'webhook', url: receiver.url, secretRef: 'bench', timeoutMs: 5000, concurrency: CONCURRENCY });
  const base = 20_000_000;
  for (let i = 0; i < DRAIN; i += 1000) service.queue.enqueue(Array.from({ length: Math.min(1000, DRAIN - i) }, (_, k) => event(base + i + k)));
  const before = receiver.count();
  const t = now();
  service.start();
  await until(() => receiver.count() - before >= DRAIN);
  const drainS = (now() - t) / 1000;
  await service.worker.stop();
  const m = service.queue.metrics();
  await service.stop();
  if (m.completed_count !== DRAIN) throw new Error(`drain: ${m.completed_count} of ${DRAIN} items completed`);

  // Baselines: the same POSTs straight from a loop, same concurrency and keep-alive, no queue.
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const url = new URL(receiver.url);
  const bodies = Array.from({ length: 1000 }, (_, k) => payloadOf(event(base + k)));
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  const t2 = now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < DRAIN) await post(bodies[next++ % bodies.length]);
    }),
  );
  const baselineS = (now() - t2) / 1000;
  agent.destroy();
  const pool = new Agent({ connections: CONCURRENCY });
  next = 0;
  const t3 = now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < DRAIN) {
        const r = await pool.request({
          origin: url.origin,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: bodies[next++ % bodies.length],
        });
        await r.body.dump();
      }
    }),
  );
  const undiciS = (now() - t3) / 1000;
  await pool.close();
  return { drain_per_s: Math.round(DRAIN / drainS), baseline_per_s: Math.round(DRAIN / baselineS), undici_per_s: Math.round(DRAIN / undiciS) };
}

async function main(): Promise<void> {
  const dir = await makeTempDir('hexwatch-bench-queue-');
  const receiver = await startReceiver();
  try {
    if (ONLY) {
      // One part alone, while working on it: its figures are logged, the results file is left as it was.
      if (ONLY === 'enqueue') log(JSON.stringify(await benchEnqueue(dir.path)));
      if (ONLY === 'e2e') log(JSON.stringify(await benchE2e(dir.path, receiver, 10_000_000)));
      if (ONLY === 'drain') log(JSON.stringify(await benchDrain(dir.path, receiver)));
      if (ONLY === 'e2e-slowed' || ONLY === 'e2e-slowed-tick') {
        const stopBurning = burnCpu();
        log(JSON.stringify(await benchE2e(dir.path, receiver, 20_000_000, ONLY === 'e2e-slowed' ? 'per-event' : 'per-tick').finally(stopBurning)));
      }
      return;
    }
    log(`enqueue: ${ENQUEUE_EVENTS} events × 3 runs, batches of ${ENQUEUE_BATCH}…`);
    const enqueue = await benchEnqueue(dir.path);
    log(`e2e: ${E2E_RATE}/s for ${E2E_WARMUP_SECONDS} + ${E2E_SECONDS} s…`);
    const e2e = await benchE2e(dir.path, receiver, 10_000_000);
    log(JSON.stringify(e2e));
    log(`e2e, the baseline: a transaction per event with its fsync on the main thread (as before the group commit)…`);
    const e2eMainThread = await benchE2e(dir.path, receiver, 15_000_000, 'per-event-on-main-thread');
    log(JSON.stringify(e2eMainThread));
    // Slowed, the tail depends on how the scheduler deals the cores: three runs each, the median one reported.
    const slowedRuns = async (perTick: boolean, base: number) => {
      const runs: Awaited<ReturnType<typeof benchE2e>>[] = [];
      for (let run = 0; run < 3; run++) {
        log(
          `e2e, ${perTick ? 'a transaction per tick' : 'a durable enqueue per event (group commit)'}, the CPU slowed (${cpus().length} CPU-burning processes), run ${run + 1} of 3…`,
        );
        const stopBurning = burnCpu();
        runs.push(await benchE2e(dir.path, receiver, base + run * 3_000_000, perTick ? 'per-tick' : 'per-event').finally(stopBurning));
        log(JSON.stringify(runs.at(-1)));
      }
      const median = [...runs].sort((a, b) => a.queue.p99_ms - b.queue.p99_ms)[1];
      return {
        ...median.queue,
        bare_posts: median.bare,
        first_3s_p99_ms: median.cold.p99_ms,
        p99_ms_runs: runs.map((r) => r.queue.p99_ms),
        main_thread_blocked_p99_ms: median.main_thread_blocked_p99_ms,
      };
    };
    const slowed = await slowedRuns(false, 20_000_000);
    const slowedPerTick = await slowedRuns(true, 40_000_000);
    log(`drain: ${DRAIN} items…`);
    const drain = await benchDrain(dir.path, receiver);
    const result = {
      scenario: 'queue',
      when: new Date().toISOString(),
      machine: { cores: cpus().length, node: process.version },
      sqlite_synchronous: 'FULL',
      enqueue_per_s: enqueue.queue_per_s,
      enqueue_baseline_plain_insert_per_s: enqueue.baseline_per_s,
      enqueue_ratio: round(enqueue.queue_per_s / enqueue.baseline_per_s, 3),
      // One event per enqueueDurably call, every call awaited: what a caller per event gets from the group commit.
      enqueue_durably_per_s: enqueue.durably_per_s,
      enqueue_durably_ratio: round(enqueue.durably_per_s / enqueue.baseline_per_s, 3),
      // How the per-event e2e figures enqueue (before the group commit: `enqueue`, its fsync on the main thread).
      e2e_enqueue: 'enqueueDurably, one call per event, group-committed (fsync on the thread pool)',
      e2e_at_1000_per_s: { ...e2e.queue, bare_posts: e2e.bare, first_3s_p99_ms: e2e.cold.p99_ms, main_thread_blocked_p99_ms: e2e.main_thread_blocked_p99_ms },
      // The same run's baseline: `enqueue` per event, its fsync on the main thread (the per-event path before the group commit).
      e2e_at_1000_per_s_transaction_per_event_on_main_thread: {
        ...e2eMainThread.queue,
        first_3s_p99_ms: e2eMainThread.cold.p99_ms,
        main_thread_blocked_p99_ms: e2eMainThread.main_thread_blocked_p99_ms,
      },
      e2e_p99_ratio_group_commit_to_main_thread: round(e2e.queue.p99_ms / e2eMainThread.queue.p99_ms, 3),
      e2e_at_1000_per_s_cpu_slowed: slowed,
      // As the engine enqueues: the events of an ingest batch (here, of a 1 ms tick) in one transaction.
      e2e_at_1000_per_s_cpu_slowed_transaction_per_tick: slowedPerTick,
      e2e_events: E2E_RATE * E2E_SECONDS,
      drain_items: DRAIN,
      drain_per_s: drain.drain_per_s,
      drain_baseline_bare_posts_per_s: drain.baseline_per_s,
      drain_ratio: round(drain.drain_per_s / drain.baseline_per_s, 3),
      drain_baseline_bare_posts_undici_per_s: drain.undici_per_s,
      drain_ratio_same_client: round(drain.drain_per_s / drain.undici_per_s, 3),
      targets: { enqueue_ratio: 0.3, e2e_p99_ms_cpu_slowed: 20, drain_ratio: 0.5 },
    };
    writeResult('queue', result);
    log(JSON.stringify(result, null, 2));
  } finally {
    await receiver.close();
    await dir.remove();
  }
}

await main();
