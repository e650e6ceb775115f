import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FAILED_500, fenceEventOf } from '../../tests/helpers/queue-fixtures';
import { UNDO_DISCARD_MS } from './dead-letters';
import { DeliveryQueue, eventOfPayload } from './delivery-queue';

let dir: string;
let now: number;
let q: DeliveryQueue;
let changes: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexwatch-dlq-'));
  now = Date.UTC(2026, 0, 1);
  q = DeliveryQueue.open(join(dir, 'queue.sqlite'), { clock: () => now, random: () => 0.5, settings: { feed: false, maxAttempts: 1, fifoPerFence: false } });
  q.targets.upsert({ id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/x', timeoutMs: 1000, concurrency: 4 });
  changes = 0;
  q.onChange(() => changes++);
});
afterEach(() => {
  q.close();
  rmSync(dir, { recursive: true, force: true });
});

/** n dead letters, alternating fences A and B; every third fails with "boom", the rest refused. */
function dead(n: number): void {
  q.enqueue(Array.from({ length: n }, (_, i) => fenceEventOf(i % 2 ? 'A' : 'B', `d${i}`, i)));
  for (const item of q.claim('w', n)) {
    now += 10;
    q.record([{ item, outcome: { ...FAILED_500, error: item.seq % 3 === 0 ? 'HTTP 500: boom' : 'connect ECONNREFUSED', response: 'boom body' } }], 'w');
  }
}

it('lists with filters and pages, requeues for another round with the history kept, and says when it changed', () => {
  dead(10);
  expect(changes).toBe(10);
  expect(q.deadLetters.list().total).toBe(10);
  expect(q.deadLetters.list({ fenceId: 'A' }).total).toBe(5);
  expect(q.deadLetters.list({ deviceId: 'd3' }).items.map((i) => eventOfPayload(i.payload).device_id)).toEqual(['d3']);
  expect(q.deadLetters.list({ error: 'boom' }).total).toBe(3);
  expect(q.deadLetters.list({}, { limit: 4, offset: 8 }).items).toHaveLength(2);

  const one = q.deadLetters.list({ deviceId: 'd3' }).items[0]!;
  expect(q.deadLetters.requeue({ ids: [one.id] })).toBe(1);
  const back = q.deadLetters.get(one.id)!;
  expect(back.item).toMatchObject({ status: 'pending', attempts: 1, maxAttempts: 2 });
  expect(back.attempts).toEqual([expect.objectContaining({ httpStatus: 500, response: 'boom body' })]);
  expect(changes).toBe(11);
  expect(q.deadLetters.requeue({ fenceId: 'B' })).toBe(5);
  expect(q.deadLetters.list().total).toBe(4);
});

it('numbers attempts on after a requeue: the next is the one after the last, each round gets the queue’s tries', () => {
  dead(1);
  const [first] = q.deadLetters.list().items;
  expect(first).toMatchObject({ attempts: 1, maxAttempts: 1 });
  q.deadLetters.requeue({ ids: [first!.id] });
  const [again] = q.claim('w', 1);
  expect(again).toMatchObject({ id: first!.id, attempts: 1, maxAttempts: 2 });
  now += 10;
  q.record([{ item: again!, outcome: FAILED_500 }], 'w');
  const after = q.deadLetters.get(first!.id)!;
  expect(after.item).toMatchObject({ status: 'dlq', attempts: 2, maxAttempts: 2 });
  expect(after.attempts.map((a) => a.attempt)).toEqual([1, 2]);
  // A second requeue, delivered this time: attempt 3 of 3.
  q.deadLetters.requeue({ ids: [first!.id] });
  q.record([{ item: q.claim('w', 1)[0]!, outcome: { status: 'success', httpStatus: 200, latencyMs: 3 } }], 'w');
  expect(q.deadLetters.get(first!.id)!.item).toMatchObject({ status: 'completed', attempts: 3, maxAttempts: 3 });
  expect(q.deadLetters.get(first!.id)!.attempts.map((a) => [a.attempt, a.status])).toEqual([
    [1, 'failed'],
    [2, 'failed'],
    [3, 'success'],
  ]);
});

it('sorts by when it failed, was created, its attempts, target or fence, either way', () => {
  dead(6);
  const devices = (sort: Parameters<DeliveryQueue['deadLetters']['list']>[1]) =>
    q.deadLetters.list({}, sort).items.map((i) => eventOfPayload(i.payload).device_id);
  expect(devices({})).toEqual(['d5', 'd4', 'd3', 'd2', 'd1', 'd0']);
  expect(devices({ sort: 'failed', descending: false })).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5']);
  expect(devices({ sort: 'fence', descending: false })).toEqual(['d1', 'd3', 'd5', 'd0', 'd2', 'd4']);
});

it('counts dead letters per target and per error, the most frequent error first', () => {
  dead(9);
  expect(q.deadLetters.counts()).toEqual({
    byTarget: { hook: 9 },
    byError: [
      { error: 'connect ECONNREFUSED', count: 6 },
      { error: 'HTTP 500: boom', count: 3 },
    ],
  });
  expect(q.deadLetters.counts({ fenceId: 'A' }).byTarget).toEqual({ hook: 4 });
});

it('discards, and puts back exactly what a discard took within the undo window', () => {
  dead(10);
  const before = q.deadLetters.list({}, { limit: 100 }).items;
  const { discarded, batch } = q.deadLetters.discard({ error: 'ECONNREFUSED' });
  expect(discarded).toBe(7);
  expect(q.deadLetters.list().total).toBe(3);
  const second = q.deadLetters.discard({});
  expect(second.discarded).toBe(3);
  expect(q.deadLetters.undoDiscard(batch)).toBe(7);
  expect(q.deadLetters.list().total).toBe(7);
  expect(q.deadLetters.undoDiscard(second.batch)).toBe(3);
  expect(q.deadLetters.list({}, { limit: 100 }).items).toEqual(before);
  // Undone once, never twice.
  expect(q.deadLetters.undoDiscard(batch)).toBe(0);

  const late = q.deadLetters.discard({});
  now += UNDO_DISCARD_MS + 10; // batches are epoch ms, made unique by a step when two fall in one
  expect(q.deadLetters.purgeDiscarded()).toBe(10);
  expect(q.deadLetters.undoDiscard(late.batch)).toBe(0);
  expect(q.deadLetters.list().total).toBe(0);
});

it('marks what a replay queued as replayed', () => {
  const [id] = q.replay([fenceEventOf('A', 'd1', 1)], 'hook');
  expect(q.deadLetters.get(id!)!.item.replayed).toBe(true);
  q.enqueue([fenceEventOf('A', 'd2', 2)]);
  expect(q.deadLetters.list({}, {}).total).toBe(0);
  const [item] = q.claim('w', 10).filter((i) => !i.replayed);
  expect(item).toMatchObject({ replayed: false });
});
