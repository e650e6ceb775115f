import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryQueue, eventOfPayload, type QueueSettings } from './delivery-queue';
import { deliveryIdOf } from './delivery-id';
import { QUEUE_MIGRATIONS } from './schema';
import { DatabaseFileError } from '../sqlite';
import { DELIVERED, FAILED_500, fenceEventOf } from '../../tests/helpers/queue-fixtures';

let dir: string;
let now: number;
const clock = () => now;
const open = (settings: Partial<QueueSettings> = {}) =>
  DeliveryQueue.open(join(dir, 'queue.sqlite'), { clock, random: () => 0.5, settings: { feed: false, ...settings } });
const ev = fenceEventOf;
const fail = FAILED_500;
const ok = DELIVERED;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexwatch-queue-'));
  now = Date.UTC(2026, 0, 1);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function withHook(q: DeliveryQueue): DeliveryQueue {
  q.targets.upsert({ id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/x', timeoutMs: 1000, concurrency: 4 });
  return q;
}

describe('enqueue', () => {
  it('records each event and queues one item per enabled target, the feed included', () => {
    const q = DeliveryQueue.open(join(dir, 'queue.sqlite'), { clock, settings: { feed: true } });
    withHook(q);
    const targets = ['hook', 'nope'];
    expect(
      q.enqueue([
        { ...ev('f1', 'd1', 1), targets },
        { ...ev('f1', 'd2', 2), targets },
      ]),
    ).toEqual({ recorded: 2, duplicates: 0, items: 4 });
    expect(q.metrics().pending_count).toBe(4);
    q.close();
  });

  it('counts a repeat inside the dedup window instead of delivering it twice, and after it by its delivery id', () => {
    const q = withHook(open({ dedupWindowMs: 60_000 }));
    expect(q.enqueue([ev('f1', 'd1', 1)]).items).toBe(1);
    expect(q.enqueue([ev('f1', 'd1', 1)])).toEqual({ recorded: 0, duplicates: 1, items: 0 });
    expect((q.db.prepare('SELECT repeats FROM fence_events').get() as { repeats: number }).repeats).toBe(1);
    now += 61_000;
    expect(q.enqueue([ev('f1', 'd1', 1)])).toEqual({ recorded: 0, duplicates: 1, items: 0 });
    expect(q.repeatsById).toBe(1);
    expect((q.db.prepare('SELECT COUNT(*) AS n FROM fence_events').get() as { n: number }).n).toBe(1);
    q.close();
  });

  it('stores the ingest high-water mark in the same transaction', () => {
    const q = withHook(open());
    q.enqueue([ev('f1', 'd1', 1)], { highWater: { stream: 'POSITIONS', seq: 42 } });
    q.enqueue([], { highWater: { stream: 'POSITIONS', seq: 40 } });
    expect(q.highWater('POSITIONS')).toBe(42);
    q.close();
  });
});

describe('claiming', () => {
  it('is FIFO per fence: only the head of a fence is eligible, with its run behind it', () => {
    const q = withHook(open());
    q.enqueue([ev('A', 'd', 1), ev('B', 'd', 2), ev('A', 'd', 3), ev('A', 'd', 4)]);
    const first = q.claim('w1', 10, 2);
    expect(first.map((i) => `${i.partitionKey}${eventOfPayload(i.payload).timestamp}`)).toEqual(['A1', 'A3', 'B2']);
    // While A's run is out, nothing more of A is handed to anyone.
    expect(q.claim('w2', 10)).toEqual([]);
    q.close();
  });

  it('takes the partitions in turn, so a busy fence cannot starve the others', () => {
    const q = withHook(open());
    q.enqueue([ev('A', 'd', 1), ev('A', 'd', 2), ev('A', 'd', 3), ev('B', 'd', 4), ev('C', 'd', 5), ev('C', 'd', 6)]);
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const [item] = q.claim('w', 1, 1);
      order.push(`${item.partitionKey}${eventOfPayload(item.payload).timestamp}`);
      q.record([{ item, outcome: ok }], 'w');
    }
    expect(order).toEqual(['A1', 'B4', 'C5', 'A2', 'C6', 'A3']);
    expect(q.claim('w', 10)).toEqual([]);
    q.close();
  });

  it('names each delivery by its event and target, an id that finds it again', () => {
    const q = withHook(open());
    q.enqueue([ev('A', 'd', 1), ev('B', 'd', 2)]);
    const items = q.claim('w', 10);
    expect(items.map((i) => i.id)).toEqual([deliveryIdOf(ev('A', 'd', 1), 'hook'), deliveryIdOf(ev('B', 'd', 2), 'hook')]);
    expect(q.deadLetters.get(items[1].id)!.item.seq).toBe(items[1].seq);
    expect(q.deadLetters.get('msg_00000000001')).toBeUndefined();
    q.close();
  });

  it('refuses a second item under an id already queued, past the dedup window too, and counts it', () => {
    const lines: string[] = [];
    const q = withHook(DeliveryQueue.open(join(dir, 'queue.sqlite'), { clock, settings: { feed: false, dedupWindowMs: 1000 }, logLine: (l) => lines.push(l) }));
    expect(q.enqueue([ev('A', 'd', 1)])).toEqual({ recorded: 1, duplicates: 0, items: 1 });
    now += 60_000;
    // Another engine's copy of the same event, or Tile38 redelivering it a minute on.
    expect(q.enqueue([ev('A', 'd', 1), ev('A', 'd', 1)])).toEqual({ recorded: 0, duplicates: 2, items: 0 });
    expect(q.repeatsById).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(deliveryIdOf(ev('A', 'd', 1), 'hook'));
    expect((q.db.prepare('SELECT COUNT(*) AS n FROM fence_events').get() as { n: number }).n).toBe(1);
    expect(q.metrics().pending_count).toBe(1);
    // A target added since gets its item: only what is queued already is refused.
    q.targets.upsert({ id: 'hook2', kind: 'webhook', url: 'http://127.0.0.1:9/y', timeoutMs: 1000, concurrency: 4 });
    expect(q.enqueue([ev('A', 'd', 1)])).toMatchObject({ recorded: 1, items: 1 });
    expect(q.metrics().pending_count).toBe(2);
    q.close();
  });

  it('holds a fence behind a failed item until its retry, while other fences go on', () => {
    const q = withHook(open());
    q.enqueue([ev('A', 'd', 1), ev('A', 'd', 2), ev('B', 'd', 3)]);
    const [a1, a2, b3] = q.claim('w', 10);
    q.record([{ item: a1, outcome: fail }], 'w');
    q.release([a2], 'w');
    q.record([{ item: b3, outcome: ok }], 'w');
    expect(q.claim('w', 10)).toEqual([]);
    q.enqueue([ev('B', 'd', 4)]);
    expect(q.claim('w', 10).map((i) => eventOfPayload(i.payload).timestamp)).toEqual([4]);
    now += 5000; // the first backoff step, at its midpoint
    expect(q.claim('w', 10).map((i) => eventOfPayload(i.payload).timestamp)).toEqual([1, 2]);
    q.close();
  });

  it('relaxed, hands out items of one fence side by side', () => {
    const q = withHook(open({ fifoPerFence: false }));
    q.enqueue([ev('A', 'd', 1), ev('A', 'd', 2)]);
    const [a1] = q.claim('w', 1);
    q.record([{ item: a1, outcome: fail }], 'w');
    expect(q.claim('w', 10).map((i) => eventOfPayload(i.payload).timestamp)).toEqual([2]);
    q.close();
  });

  it('hands out again, as soon as the file opens, what an engine had out when it stopped', () => {
    let q = withHook(open());
    q.enqueue([ev('A', 'd', 1)]);
    const [item] = q.claim('killed', 10);
    expect(q.claim('w2', 10)).toEqual([]);
    q.close(); // the engine is gone with its item out: nothing was written of it
    q = open();
    const again = q.claim('w2', 10);
    expect(again.map((i) => i.id)).toEqual([item.id]);
    q.record([{ item: again[0], outcome: ok }], 'w2');
    expect(q.metrics()).toMatchObject({ completed_count: 1, pending_count: 0, processing_count: 0 });
    q.close();
  });

  it('counts an item out with a worker as processing', () => {
    const q = withHook(open({ fifoPerFence: false }));
    q.enqueue([ev('A', 'd', 1)]);
    now += 1000;
    q.enqueue([ev('B', 'd', 2)]);
    const [a] = q.claim('w', 1);
    expect(q.openCounts()).toEqual({ pending: 1, processing: 1, dlq: 0 });
    expect(q.metrics()).toMatchObject({ pending_count: 1, processing_count: 1 });
    q.release([a], 'w');
    expect(q.openCounts()).toEqual({ pending: 2, processing: 0, dlq: 0 });
    q.close();
  });

  for (const fifoPerFence of [true, false])
    it(`wakes its worker at each retry's time, and has it claim the retry then${fifoPerFence ? '' : ' (not FIFO)'}`, () => {
      const q = withHook(open({ fifoPerFence }));
      // Items due now are claimed as they come: no time to wait for.
      q.enqueue([ev('A', 'd', 1), ev('B', 'd', 2)]);
      expect(q.nextDueAt()).toBeUndefined();
      const [a, b] = q.claim('w', 10, 1);
      // Retries sooner than the claims' periodic walk of every fence.
      const retryA = now + 100;
      q.record([{ item: a, outcome: { ...fail, retryAfterMs: 100 } }], 'w');
      expect(q.nextDueAt()).toBe(retryA);
      now += 10;
      const retryB = now + 200;
      q.record([{ item: b, outcome: { ...fail, retryAfterMs: 200 } }], 'w');
      expect(q.nextDueAt()).toBe(retryA);
      expect(q.claim('w', 10)).toEqual([]);
      now = retryA;
      expect(q.claim('w', 10).map((i) => i.id)).toEqual([a.id]);
      expect(q.nextDueAt()).toBe(retryB);
      now = retryB;
      expect(q.claim('w', 10).map((i) => i.id)).toEqual([b.id]);
      expect(q.nextDueAt()).toBeUndefined();
      q.close();
    });
});

describe('attempts', () => {
  it('retries on the backoff schedule and moves to the DLQ after max attempts, keeping every attempt', () => {
    const q = withHook(open({ maxAttempts: 5 }));
    q.enqueue([ev('A', 'd', 1)]);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const [item] = q.claim('w', 1);
      expect(item.attempts).toBe(attempt - 1);
      q.record([{ item, outcome: fail }], 'w');
      const next = q.deadLetters.get(item.id)!.item;
      if (attempt < 5) {
        waits.push(next.nextAttemptAt - now);
        expect(q.claim('w', 1)).toEqual([]);
        now = next.nextAttemptAt;
      } else {
        expect(next.status).toBe('dlq');
      }
    }
    expect(waits).toEqual([5000, 10000, 20000, 40000]);
    const { items } = q.deadLetters.list();
    expect(items).toHaveLength(1);
    expect(q.deadLetters.get(items[0].id)!.attempts.map((a) => a.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    q.close();
  });

  it('honours Retry-After from a 429 or 503', () => {
    const q = withHook(open());
    q.enqueue([ev('A', 'd', 1)]);
    const [item] = q.claim('w', 1);
    q.record([{ item, outcome: { status: 'failed', httpStatus: 429, latencyMs: 1, error: 'HTTP 429', retryAfterMs: 120_000 } }], 'w');
    expect(q.deadLetters.get(item.id)!.item.nextAttemptAt).toBe(now + 120_000);
    q.close();
  });

  it('disables the target on 410 and sends its item to the DLQ at once', () => {
    const q = withHook(open());
    q.enqueue([ev('A', 'd', 1), ev('B', 'd', 2)]);
    const [a] = q.claim('w', 1);
    q.record([{ item: a, outcome: { status: 'failed', httpStatus: 410, latencyMs: 1, error: 'HTTP 410', gone: true } }], 'w');
    expect(q.targets.get('hook')).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/410 Gone/) });
    expect(q.deadLetters.get(a.id)!.item).toMatchObject({ status: 'dlq', attempts: 1 });
    const m = q.metrics();
    expect(m.targets.find((t) => t.target_id === 'hook')).toMatchObject({ enabled: false, dlq_count: 1 });
    q.close();
  });
});

describe('metrics and retention', () => {
  it('reports the seed’s fields', () => {
    const q = withHook(open({ fifoPerFence: false }));
    q.enqueue([ev('A', 'd', 1), ev('A', 'd', 2), ev('A', 'd', 3)]);
    now += 10_000;
    const [a, b] = q.claim('w', 2);
    q.record(
      [
        { item: a, outcome: ok },
        { item: b, outcome: fail },
      ],
      'w',
    );
    const m = q.metrics();
    expect(m).toMatchObject({
      pending_count: 2,
      processing_count: 0,
      completed_count: 1,
      dlq_count: 0,
      avg_queue_depth_seconds: 10,
      avg_delivery_latency_ms: 2,
      success_rate_percent: 50,
      oldest_pending_age_seconds: 10,
    });
    expect(q.health().status).toBe('Degraded');
    q.close();
  });

  it('removes completed items past retention, keeps the rest', () => {
    const q = withHook(open({ retentionDays: 30 }));
    q.enqueue([ev('A', 'd', 1), ev('B', 'd', 2)]);
    const [a] = q.claim('w', 1);
    q.record([{ item: a, outcome: ok }], 'w');
    now += 31 * 86_400_000;
    expect(q.applyRetention().items).toBe(1);
    expect(q.metrics()).toMatchObject({ completed_count: 0, pending_count: 1 });
    q.close();
  });
});

describe('the database file', () => {
  it('brings a file of the schema before forward with every item, dead letter and discard as it was', () => {
    const file = join(dir, 'queue.sqlite');
    const old = new Database(file);
    for (const [v, sql] of QUEUE_MIGRATIONS.slice(0, 2).entries()) old.exec(`${sql}; PRAGMA user_version = ${v + 1}`);
    old.exec(`
      INSERT INTO targets (id, kind, url, created_at, updated_at) VALUES ('hook', 'webhook', 'http://127.0.0.1:9/x', 0, 0);
      INSERT INTO fence_events (id, event_type, fence_id, device_id, ts, lat, lon, source, fingerprint, recorded_at)
        VALUES (1, 'enter', 'A', 'd', 1, 40.7, -74, 'embedded', 'fp1', ${now}), (2, 'exit', 'A', 'd', 2, 40.7, -74, 'embedded', 'fp2', 0),
               (3, 'enter', 'B', 'd', 3, 40.7, -74, 'embedded', 'fp3', 0);
      INSERT INTO delivery_queue (seq, event_id, target_id, partition_key, fingerprint, status, attempts, max_attempts, next_attempt_at, lease_owner, lease_expires_at, created_at, updated_at)
        VALUES (1, 1, 'hook', 'A', 'fp1', 'processing', 1, 5, 0, 'gone', 99, 0, 0), (2, 2, 'hook', 'A', 'fp2', 'pending', 0, 5, 0, NULL, NULL, 0, 0),
               (3, 3, 'hook', 'B', 'fp3', 'dlq', 5, 5, 0, NULL, NULL, 0, 0);
    `);
    old.close();
    const q = open();
    // The item a stopped engine had out is waiting again, after its one attempt; its fence's next stays behind it.
    const claimed = q.claim('w', 10);
    expect(claimed.map((i) => [i.seq, i.attempts, eventOfPayload(i.payload).event_type])).toEqual([
      [1, 1, 'enter'],
      [2, 0, 'exit'],
    ]);
    q.record(
      claimed.map((item) => ({ item, outcome: ok })),
      'w',
    );
    expect(q.deadLetters.list().items.map((i) => i.seq)).toEqual([3]);
    const { batch } = q.deadLetters.discard();
    expect(q.deadLetters.undoDiscard(batch)).toBe(1);
    expect(q.metrics()).toMatchObject({ completed_count: 2, pending_count: 0, processing_count: 0, dlq_count: 1 });
    expect(q.enqueue([ev('A', 'd', 1)])).toMatchObject({ duplicates: 1 });
    q.close();
  });

  it('keeps the ids of items queued before ids were derived, and names new ones by their event', () => {
    const file = join(dir, 'queue.sqlite');
    const old = new Database(file);
    for (const [v, sql] of QUEUE_MIGRATIONS.slice(0, 3).entries()) old.exec(`${sql}; PRAGMA user_version = ${v + 1}`);
    old.exec(`
      INSERT INTO targets (id, kind, url, created_at, updated_at) VALUES ('hook', 'webhook', 'http://127.0.0.1:9/x', 0, 0);
      INSERT INTO fence_events (id, event_type, fence_id, device_id, ts, lat, lon, source, recorded_at) VALUES (1, 'enter', 'A', 'd', 1, 40.7, -74, 'embedded', 0);
      INSERT INTO delivery_queue (seq, event_id, target_id, partition_key, status, attempts, max_attempts, next_attempt_at, created_at, updated_at)
        VALUES (7, 1, 'hook', 'A', 'dlq', 5, 5, 0, 0, 0);
    `);
    const { value: instance } = old.prepare(`SELECT value FROM meta WHERE key = 'instance'`).get() as { value: string };
    old.close();
    const q = open();
    const [dead] = q.deadLetters.list().items;
    expect(dead.id).toBe(`msg_${instance}7`);
    expect(q.deadLetters.get(dead.id)!.item.seq).toBe(7);
    q.enqueue([ev('B', 'd', 2)]);
    const [fresh] = q.claim('w', 10);
    expect(fresh.id).toBe(deliveryIdOf(ev('B', 'd', 2), 'hook'));
    // A discard and its undo keep the derived id.
    q.record([{ item: { ...fresh, attempts: 4 }, outcome: fail }], 'w');
    const { batch } = q.deadLetters.discard({ ids: [fresh.id] });
    expect(q.deadLetters.undoDiscard(batch)).toBe(1);
    expect(q.deadLetters.get(fresh.id)!.item.seq).toBe(fresh.seq);
    q.close();
  });

  it('refuses a corrupt file with a clear error and leaves its bytes alone', () => {
    const file = join(dir, 'queue.sqlite');
    const junk = Buffer.from('this is not a database, it is a shopping list\n'.repeat(200));
    writeFileSync(file, junk);
    expect(() => DeliveryQueue.open(file)).toThrow(DatabaseFileError);
    expect(() => DeliveryQueue.open(file)).toThrow(/queue\.sqlite is not a readable SQLite database .*left it untouched/);
    expect(readFileSync(file).equals(junk)).toBe(true);
  });

  it('refuses a locked file, naming it, without waiting forever', () => {
    const file = join(dir, 'queue.sqlite');
    withHook(DeliveryQueue.open(file)).close();
    const holder = new Database(file);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      expect(() => DeliveryQueue.open(file, { busyTimeoutMs: 200 })).toThrow(/queue\.sqlite is locked by another process/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const q = DeliveryQueue.open(file);
    expect(q.targets.get('hook')).toBeDefined();
    q.close();
  });
});
