// The enqueueing process is SIGKILLed at random moments while callers enqueue one event each through the
// group commit: every event a caller was told is enqueued is in the file afterwards, queued for delivery.
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DeliveryQueue } from '../../main/deliveries';
import { engineEnv, makeTempDir, repoRoot, startProcess, type TempDir } from '../helpers';

const WORKER = join(repoRoot, 'tests', 'workers', 'queue-enqueue-kill-worker.ts');
const ROUNDS = 4;

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('hexwatch-queue-enqueue-kill-');
});
afterEach(async () => {
  await dir.remove();
});

it('SIGKILL while callers enqueue durably: every acknowledged event survives, queued', async () => {
  const queue = DeliveryQueue.open(join(dir.path, 'queue.sqlite'), { settings: { feed: false } });
  queue.targets.upsert({ id: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/x', timeoutMs: 1000, concurrency: 4 });
  queue.close();

  const acked: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const first = round * 10_000_000;
    const worker = startProcess('enqueue-worker', process.execPath, ['--import', 'tsx', WORKER, dir.path, String(first)], { cwd: repoRoot, env: engineEnv() });
    const before = acked.length;
    // Killed somewhere past a few hundred answers: mid-group by construction (calls never stop coming).
    const killAt = 200 + Math.floor(Math.random() * 2000);
    worker.onStdoutLine((line) => {
      if (!line.startsWith('ack ')) return;
      acked.push(Number(line.slice(4)));
      if (acked.length - before === killAt) worker.child.kill('SIGKILL');
    });
    const exit = await worker.exited;
    expect(exit.signal, worker.tail()).toBe('SIGKILL');
  }

  const q = DeliveryQueue.open(join(dir.path, 'queue.sqlite'), { settings: { feed: false } });
  const recorded = new Set((q.db.prepare('SELECT ts FROM fence_events').all() as { ts: number }[]).map((r) => r.ts));
  const queued = new Set(
    (q.db.prepare('SELECT e.ts FROM delivery_queue d JOIN fence_events e ON e.id = d.event_id').all() as { ts: number }[]).map((r) => r.ts),
  );
  expect(acked.filter((n) => !recorded.has(n))).toEqual([]);
  expect(acked.filter((n) => !queued.has(n))).toEqual([]);
  expect(acked.length).toBeGreaterThanOrEqual(ROUNDS * 200);
  q.close();
}, 120_000);
