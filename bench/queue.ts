/**
 * npm run bench -- queue [--events N]
 * The durable delivery queue on a real SQLite file (synchronous = FULL) and a loopback HTTP receiver
 * on its own thread, each figure beside a baseline measured in the same run:
 *   enqueue      events/s recorded + queued durably, batches of 500 (baseline: plain INSERTs of the
 *                same payloads into a bare table, same file settings)
 *   e2e          enqueue → answered by the receiver, at 1,000 events/s (p50/p95/p99)
 *   drain        100k pending items delivered (baseline: the same POSTs with no queue)
 * Writes bench/results/queue.json.
 */
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FenceEvent } from '../shared/fence-event';
import { DeliveryService, payloadOf } from '../main/queue';
import { makeTempDir, TEST_SECRET } from '../tests/helpers';
import { median, percentile, round } from './stats';

const arg = process.argv.indexOf('--events');
const DRAIN = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const ENQUEUE_EVENTS = 200_000;
const ENQUEUE_BATCH = 500;
const E2E_RATE = 1000;
const E2E_SECONDS = 15;
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

async function benchEnqueue(dir: string): Promise<{ queue_per_s: number; baseline_per_s: number }> {
  const runs: number[] = [];
  const base: number[] = [];
  for (let run = 0; run < 3; run++) {
    const service = new DeliveryService({ dataDir: join(dir, `enqueue-${run}`), settings: { feed: false } });
    service.queue.targets.upsert({ id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/', timeoutMs: 1000, concurrency: 1 });
    const events = Array.from({ length: ENQUEUE_EVENTS }, (_, i) => event(run * ENQUEUE_EVENTS + i));
    let t = now();
    for (let i = 0; i < events.length; i += ENQUEUE_BATCH) service.queue.enqueue(events.slice(i, i + ENQUEUE_BATCH));
    runs.push(ENQUEUE_EVENTS / ((now() - t) / 1000));
    await service.stop();

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
  log(`enqueue: ${runs.map(Math.round).join(', ')} /s; plain INSERT ${base.map(Math.round).join(', ')} /s`);
  return { queue_per_s: Math.round(median(runs)), baseline_per_s: Math.round(median(base)) };
}

async function benchE2e(dir: string, receiver: Awaited<ReturnType<typeof startReceiver>>) {
  const service = new DeliveryService({ dataDir: join(dir, 'e2e'), env: { HEXWATCH_SECRET_BENCH: TEST_SECRET }, settings: { feed: false } });
  service.queue.targets.upsert({ id: 'hook', kind: 'webhook', url: receiver.url, secretRef: 'bench', timeoutMs: 5000, concurrency: CONCURRENCY });
  service.start();
  const total = E2E_RATE * E2E_SECONDS;
  const base = 10_000_000;
  const sent = new Map<number, number>();
  const start = now();
  let i = 0;
  // Paced on the clock: each tick enqueues the events due by now (one transaction per event, as they come).
  while (i < total) {
    const due = Math.min(total, Math.floor(((now() - start) / 1000) * E2E_RATE));
    for (; i < due; i++) {
      sent.set(base + i, now());
      service.queue.enqueue([event(base + i)]);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await until(() => receiver.arrivals.size >= total);
  await service.stop();
  const latencies = [...sent].map(([k, t]) => receiver.arrivals.get(k)! - t);
  return { p50_ms: round(percentile(latencies, 50)), p95_ms: round(percentile(latencies, 95)), p99_ms: round(percentile(latencies, 99)), events: total };
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

  // Baseline: the same signed POSTs straight from a loop, same concurrency and keep-alive, no queue.
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
  return { drain_per_s: Math.round(DRAIN / drainS), baseline_per_s: Math.round(DRAIN / baselineS) };
}

async function main(): Promise<void> {
  const dir = await makeTempDir('hexwatch-bench-queue-');
  const receiver = await startReceiver();
  try {
    log(`enqueue: ${ENQUEUE_EVENTS} events × 3 runs, batches of ${ENQUEUE_BATCH}…`);
    const enqueue = await benchEnqueue(dir.path);
    log(`e2e: ${E2E_RATE}/s for ${E2E_SECONDS} s…`);
    const e2e = await benchE2e(dir.path, receiver);
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
      e2e_at_1000_per_s: { p50_ms: e2e.p50_ms, p95_ms: e2e.p95_ms, p99_ms: e2e.p99_ms },
      e2e_events: e2e.events,
      drain_items: DRAIN,
      drain_per_s: drain.drain_per_s,
      drain_baseline_bare_posts_per_s: drain.baseline_per_s,
      drain_ratio: round(drain.drain_per_s / drain.baseline_per_s, 3),
      targets: { enqueue_per_s: 50_000, e2e_p99_ms: 50, drain_per_s: 10_000 },
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/queue.json', `${JSON.stringify(result, null, 2)}\n`);
    log(JSON.stringify(result, null, 2));
  } finally {
    await receiver.close();
    await dir.remove();
  }
}

await main();
