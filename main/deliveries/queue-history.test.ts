import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DELIVERED, FAILED_500, fenceEventOf } from '../../tests/helpers/queue-fixtures';
import { DeliveryQueue } from './delivery-queue';
import { QueueHistory, quantile, SAMPLE_MS } from './queue-history';

let dir: string;
let now: number;
let q: DeliveryQueue;
let history: QueueHistory;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexwatch-history-'));
  now = Date.UTC(2026, 0, 1);
  q = DeliveryQueue.open(join(dir, 'queue.sqlite'), { clock: () => now, random: () => 0.5, settings: { feed: false, fifoPerFence: false } });
  q.targets.upsert({ id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/x', timeoutMs: 1000, concurrency: 4 });
  history = new QueueHistory(
    q.db,
    q.tally,
    () => q.openCounts(),
    () => now,
  );
});
afterEach(() => {
  q.close();
  rmSync(dir, { recursive: true, force: true });
});

it('takes the nearest-rank quantile', () => {
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  expect([quantile(v, 0.5), quantile(v, 0.95), quantile(v, 0.99), quantile(v, 1)]).toEqual([50, 95, 99, 100]);
  expect(quantile([], 0.5)).toBe(0);
});

it('samples the backlog, rates, success and latency percentiles of each interval, and keeps minutes in the file', () => {
  // 10 s: 100 events in, 80 delivered with latencies 1..80 ms, 20 failing.
  q.enqueue(Array.from({ length: 100 }, (_, i) => fenceEventOf(`f${i}`, 'd', i)));
  const items = q.claim('w', 100);
  q.record(
    items.map((item, i) => ({ item, outcome: i < 80 ? { ...DELIVERED, latencyMs: i + 1 } : FAILED_500 })),
    'w',
  );
  now += 2 * SAMPLE_MS;
  const s = history.sample();
  expect(s).toEqual({
    at: now,
    pending: 20,
    processing: 0,
    dlq: 0,
    success_rate_percent: 80,
    latency_p50_ms: 40,
    latency_p95_ms: 76,
    latency_p99_ms: 80,
    in_per_s: 10,
    out_per_s: 8,
  });
  // A quiet interval: nothing in or out, so no success rate or latency to speak of (a gap in the chart).
  now += SAMPLE_MS;
  expect(history.sample()).toMatchObject({ pending: 20, in_per_s: 0, out_per_s: 0, success_rate_percent: null, latency_p99_ms: null });
  expect(history.samples('15m').samples).toHaveLength(2);

  // A minute on, the minute's sample goes to the file: its rates over the whole minute.
  for (let t = 0; t < 10; t++) {
    now += SAMPLE_MS;
    history.sample();
  }
  const day = history.samples('1d');
  expect(day.stepMs).toBe(60_000);
  expect(day.samples).toHaveLength(1);
  expect(day.samples[0]).toMatchObject({ pending: 20, success_rate_percent: 80, latency_p99_ms: 80, in_per_s: 1.67, out_per_s: 1.33 }); // 100 in and 80 out over its 60 s
  // An hour later the 15-minute view has let the old samples go.
  now += 3600_000;
  history.sample();
  expect(history.samples('15m').samples).toHaveLength(1);
});
