import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DELIVERED, FAILED_500, fenceEventOf } from '../../tests/helpers/queue-fixtures';
import { DeliveryQueue } from './delivery-queue';
import { MinuteWindow } from './recent-activity';

let dir: string;
let now: number;
const open = (maxAttempts = 1) =>
  DeliveryQueue.open(join(dir, 'queue.sqlite'), { clock: () => now, random: () => 0.5, settings: { maxAttempts, fifoPerFence: false, feed: false } });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexwatch-figures-'));
  now = Date.UTC(2026, 0, 1, 12);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the queue’s figures', () => {
  it('count dead letters as deliveries.deadLetterCounts does, in all and per target, at every step', () => {
    const q = open();
    q.targets.upsert({ id: 'a', kind: 'webhook', url: 'http://127.0.0.1:9/a', timeoutMs: 1000, concurrency: 4 });
    q.targets.upsert({ id: 'b', kind: 'webhook', url: 'http://127.0.0.1:9/b', timeoutMs: 1000, concurrency: 4 });
    for (let round = 0; round < 5; round++) {
      q.enqueue([fenceEventOf('F', `d${round}`, now + round), fenceEventOf('G', `d${round}`, now + round)]);
      const claimed = q.claim('w', 100);
      // Target a refuses everything; b takes what G sends.
      q.record(
        claimed.map((item) => ({ item, outcome: item.targetId === 'b' && item.partitionKey === 'G' ? DELIVERED : FAILED_500 })),
        'w',
      );
      const f = q.figures();
      const counts = q.deadLetters.counts();
      expect(f.dlq_count).toBe(Object.values(counts.byTarget).reduce((a, n) => a + n, 0));
      for (const t of f.targets) expect(t.dlq_count).toBe(counts.byTarget[t.target_id] ?? 0);
      expect(f.dlq_count).toBe(q.deadLetters.list().total);
    }
    q.close();
  });

  it('say "no deliveries yet" (null) for a target never tried, never 100 % or 0 ms', () => {
    const q = open();
    q.targets.upsert({ id: 'quiet', kind: 'webhook', url: 'http://127.0.0.1:9/q', timeoutMs: 1000, concurrency: 4 });
    const t = q.figures().targets.find((x) => x.target_id === 'quiet')!;
    expect(t).toMatchObject({ attempted_last_hour: 0, success_rate_percent: null, avg_delivery_latency_ms: null, last_attempt: null, next_retry_at: null });
    expect(q.figures()).toMatchObject({ success_rate_percent: null, status: 'Healthy' });
    q.close();
  });

  it('keep the hour of a target removed within it in the totals (and the health they make)', () => {
    const q = open();
    q.targets.upsert({ id: 'gone', kind: 'webhook', url: 'http://127.0.0.1:9/g', timeoutMs: 1000, concurrency: 4 });
    q.enqueue([fenceEventOf('F', 'd', now)]);
    q.record(
      q.claim('w', 10).map((item) => ({ item, outcome: FAILED_500 })),
      'w',
    );
    q.targets.remove('gone');
    const f = q.figures();
    expect(f).toMatchObject({ attempted_last_hour: 1, delivered_last_hour: 0, success_rate_percent: 0, status: 'Degraded' });
    expect(f.targets.map((t) => t.target_id)).not.toContain('gone');
    q.close();
  });

  it('say why a failing target fails and when it is tried next; its revision grows with each', () => {
    const q = open(3);
    q.targets.upsert({ id: 'down', kind: 'webhook', url: 'http://127.0.0.1:9/d', timeoutMs: 1000, concurrency: 4 });
    q.enqueue([fenceEventOf('F', 'd', now)]);
    const [item] = q.claim('w', 10);
    const before = q.figures().revision;
    q.record([{ item: item!, outcome: { status: 'failed', latencyMs: 1, error: 'connect ECONNREFUSED 127.0.0.1:9' } }], 'w');
    const f = q.figures();
    expect(f.revision).toBeGreaterThan(before);
    expect(f.targets.find((t) => t.target_id === 'down')).toMatchObject({
      attempted_last_hour: 1,
      delivered_last_hour: 0,
      success_rate_percent: 0,
      last_attempt: { at: now, status: 'failed', error: 'connect ECONNREFUSED 127.0.0.1:9' },
      next_retry_at: q.deadLetters.get(item!.id)!.item.nextAttemptAt,
    });
    expect(f.targets.find((t) => t.target_id === 'down')!.next_retry_at).toBeGreaterThan(now);
    q.close();
  });

  it('count a fence’s events of the last hour across its versions, and read the hour back when the file opens again', () => {
    let q = open();
    // Events of fence F, whatever version fired them: the queue knows the fence by its id.
    q.enqueue(Array.from({ length: 30 }, (_, i) => fenceEventOf('F', `d${i}`, now - 29 * 60_000 + i * 60_000)));
    q.enqueue([fenceEventOf('F', 'old', now - 2 * 3600_000)]);
    expect(q.fenceEvents().fences.F!.last_hour).toBe(30);
    expect(q.fenceEvents().fences.F!.per_minute).toEqual(new Array(15).fill(1));
    q.close();
    now += 60_000;
    q = open();
    expect(q.fenceEvents().fences.F!.last_hour).toBe(30);
    // Attempts too: a restart shows the same hour.
    q.targets.upsert({ id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/h', timeoutMs: 1000, concurrency: 4 });
    q.enqueue([fenceEventOf('G', 'x', now)]);
    q.record([{ item: q.claim('w', 10).find((i) => i.targetId === 'hook')!, outcome: DELIVERED }], 'w');
    q.close();
    q = open();
    expect(q.figures().targets.find((t) => t.target_id === 'hook')).toMatchObject({
      delivered_last_hour: 1,
      success_rate_percent: 100,
      avg_delivery_latency_ms: 2,
    });
    q.close();
  });
});

describe('a window of minutes', () => {
  it('sums the last hour, forgets what is older, and lays out the last minutes oldest first', () => {
    const w = new MinuteWindow(1);
    const t0 = Date.UTC(2026, 0, 1);
    w.add('k', t0, [2]);
    w.add('k', t0 + 30 * 60_000, [3]);
    expect(w.sum('k', t0 + 30 * 60_000)).toEqual([5]);
    expect(w.sum('k', t0 + 61 * 60_000)).toEqual([3]);
    w.add('k', t0 + 90 * 60_000, [1]); // reuses the slot of t0 + 30 min
    expect(w.sum('k', t0 + 90 * 60_000)).toEqual([1]);
    expect(w.perMinute('k', t0 + 92 * 60_000, 4)).toEqual([0, 1, 0, 0]);
  });
});
