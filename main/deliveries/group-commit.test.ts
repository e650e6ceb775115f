import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoutedEvent } from './delivery-queue';
import { DeliveryQueue } from './delivery-queue';
import { fenceEventOf } from '../../tests/helpers/queue-fixtures';
import { CommitGroup, WalSync } from './group-commit';

let dir: string;
let queue: DeliveryQueue;
const nextTurn = () => new Promise((r) => setImmediate(r));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexwatch-group-commit-'));
  queue = DeliveryQueue.open(join(dir, 'queue.sqlite'), { settings: { feed: false } });
  queue.targets.upsert({ id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/x', timeoutMs: 1000, concurrency: 4 });
});
afterEach(() => {
  queue.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('enqueueDurably', () => {
  it('answers each caller with its own result, repeats included, and queues in call order', async () => {
    const calls = Array.from({ length: 300 }, (_, i) => queue.enqueueDurably([fenceEventOf('f1', `d${i}`, i)]));
    const repeat = queue.enqueueDurably([fenceEventOf('f1', 'd7', 7)]);
    const results = await Promise.all(calls);
    expect(results.every((r) => r.recorded === 1 && r.items === 1)).toBe(true);
    expect(await repeat).toEqual({ recorded: 0, duplicates: 1, items: 0 });
    const claimed = queue.claim('w', 1000, 1000);
    expect(claimed.map((item) => JSON.parse(item.payload).data.device_id)).toEqual(Array.from({ length: 300 }, (_, i) => `d${i}`));
  });

  it('hands its items out once written, while the fsync runs, and answers the caller after it', async () => {
    let woken = 0;
    queue.onEnqueue(() => woken++);
    let answered = false;
    const done = queue.enqueueDurably([fenceEventOf('f1', 'd1', 1)]).then(() => (answered = true));
    // The group is written on the next turn; its fsync returns later, on the thread pool's callback.
    await nextTurn();
    expect(answered).toBe(false);
    expect(woken).toBe(1);
    expect(queue.claim('w', 10).map((item) => item.partitionKey)).toEqual(['f1']);
    await done;
    expect(answered).toBe(true);
  });

  it('fails only the caller whose event cannot be written; the others are queued', async () => {
    const bad = { ...fenceEventOf('f1', 'dx', 2), position: undefined } as unknown as RoutedEvent;
    const results = await Promise.allSettled([
      queue.enqueueDurably([fenceEventOf('f1', 'd1', 1)]),
      queue.enqueueDurably([bad]),
      queue.enqueueDurably([fenceEventOf('f1', 'd3', 3)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(queue.metrics().pending_count).toBe(2);
    // And the queue goes on taking events.
    expect((await queue.enqueueDurably([fenceEventOf('f1', 'd4', 4)])).items).toBe(1);
  });

  it('stores the ingest mark with the events', async () => {
    await queue.enqueueDurably([fenceEventOf('f1', 'd1', 1)], { highWater: { stream: 'POS', seq: 42 } });
    expect(queue.highWater('POS')).toBe(42);
  });

  it('settles every call before the file closes', async () => {
    const calls = Array.from({ length: 50 }, (_, i) => queue.enqueueDurably([fenceEventOf('f2', `d${i}`, i)]));
    await queue.settle();
    expect((await Promise.all(calls)).every((r) => r.items === 1)).toBe(true);
  });
});

/** A WalSync whose fsyncs return when the test says: what the group does while one is under way. */
class HeldSync extends WalSync {
  readonly held: (() => void)[] = [];
  override sync(): Promise<void> {
    return new Promise((resolve) => this.held.push(resolve));
  }
}

describe('CommitGroup', () => {
  it('writes the calls made while an fsync runs at once (their items go out), and answers them after an fsync of their own', async () => {
    const wal = new HeldSync('unused.sqlite');
    const written: number[][] = [];
    const group = new CommitGroup((inputs: number[]) => (written.push(inputs), inputs.map((n) => n * 10)), wal);
    const first = group.add(1);
    await nextTurn();
    const second = [group.add(2), group.add(3)];
    await nextTurn();
    // The first fsync has not returned: the second turn's calls are written all the same, in one transaction.
    expect(written).toEqual([[1], [2, 3]]);
    let answered = 0;
    void first.then(() => answered++);
    for (const p of second) void p.then(() => answered++);
    wal.held[0]();
    expect(await first).toBe(10);
    expect(answered).toBe(1);
    wal.held[1]();
    expect(await Promise.all(second)).toEqual([20, 30]);
    await group.idle();
  });
});
