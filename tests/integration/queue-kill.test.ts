// The delivering engine is SIGKILLed at random moments, again and again: afterwards every event has
// reached the receiver (at least once, always under its one stable webhook-id) and none is lost.
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FenceEvent } from '../../shared/fence-event';
import { DeliveryQueue } from '../../main/deliveries';
import { TEST_SECRET, engineEnv, makeTempDir, repoRoot, startProcess, startWebhookReceiver, type TempDir, type WebhookReceiver } from '../helpers';

const WORKER = join(repoRoot, 'tests', 'workers', 'queue-kill-worker.ts');
const FENCES = 10;
const PER_FENCE = 150;

let dir: TempDir;
let receiver: WebhookReceiver;
beforeEach(async () => {
  dir = await makeTempDir('hexwatch-queue-kill-');
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await receiver.close();
  await dir.remove();
});

const keyOf = (e: { fence_id: string; timestamp: number }) => `${e.fence_id}|${e.timestamp}`;

function runWorker() {
  return startProcess('queue-worker', process.execPath, ['--import', 'tsx', WORKER, dir.path], {
    cwd: repoRoot,
    env: engineEnv({ HEXWATCH_SECRET_RECEIVER: TEST_SECRET }),
  });
}

it('SIGKILL mid-delivery at least 5 times: every event delivered with its stable id, none lost', async () => {
  const queue = DeliveryQueue.open(join(dir.path, 'queue.sqlite'), { settings: { feed: false } });
  queue.targets.upsert({ id: 'receiver', kind: 'webhook', url: receiver.url, secretRef: 'receiver', timeoutMs: 2000, concurrency: 4 });
  const events: FenceEvent[] = [];
  for (let i = 0; i < PER_FENCE; i++)
    for (let f = 0; f < FENCES; f++)
      events.push({ event_type: 'enter', fence_id: `f${f}`, device_id: `d${i}`, position: { lat: 1, lon: 2 }, timestamp: 1_000_000 + i, source: 'embedded' });
  expect(queue.enqueue(events).items).toBe(events.length);
  queue.close();

  let kills = 0;
  for (let round = 0; round < 6; round++) {
    // The kill comes from inside the receiver, while it answers a request: mid-delivery by construction.
    const at = receiver.requests.length + 20 + Math.floor(Math.random() * 150);
    const worker = runWorker();
    receiver.respond = (_r, index) => {
      if (index === at) worker.child.kill('SIGKILL');
      return 200;
    };
    const exit = await worker.exited;
    if (exit.signal !== 'SIGKILL') break;
    kills++;
  }
  expect(kills).toBeGreaterThanOrEqual(5);
  expect(new Set(receiver.delivered().map((r) => keyOf(r.event))).size).toBeLessThan(events.length);

  receiver.respond = () => 200;
  const last = runWorker();
  const exit = await last.exited;
  expect(exit.code, last.tail()).toBe(0);

  // Every event arrived; each always under one id; per fence, first arrivals in event order.
  const delivered = receiver.delivered();
  expect(new Set(delivered.map((r) => keyOf(r.event))).size).toBe(events.length);
  expect(receiver.requests.length).toBeGreaterThan(events.length); // the kills cut deliveries short: some came twice
  const ids = new Map<string, Set<string>>();
  for (const r of receiver.requests) ids.set(keyOf(r.event), (ids.get(keyOf(r.event)) ?? new Set()).add(r.webhookId));
  expect([...ids.values()].filter((s) => s.size !== 1)).toEqual([]);
  expect(receiver.requests.every((r) => r.verified)).toBe(true);
  const first = new Map<string, number[]>();
  const seenKeys = new Set<string>();
  for (const r of delivered) {
    if (seenKeys.has(keyOf(r.event))) continue;
    seenKeys.add(keyOf(r.event));
    first.set(r.event.fence_id, [...(first.get(r.event.fence_id) ?? []), r.event.timestamp]);
  }
  for (const [fence, times] of first) expect(times, fence).toEqual([...times].sort((a, b) => a - b));

  const q = DeliveryQueue.open(join(dir.path, 'queue.sqlite'));
  expect(q.metrics()).toMatchObject({ completed_count: events.length, pending_count: 0, processing_count: 0, dlq_count: 0 });
  q.close();
}, 240_000);
