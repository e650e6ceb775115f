// The delivery queue against a real HTTP receiver on loopback and real SQLite files: a receiver that
// fails half the time, the RPC methods through a running engine, a damaged queue file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FenceEvent } from '../../shared/fence-event';
import { RpcError, type PayloadOf } from '../../shared/rpc';
import { startEngine, type Engine, type EngineClient } from '../../main';
import { ConfigSchema } from '../../main/config/schema';
import { DeliveryQueue, DeliveryService, deliveryHandlers } from '../../main/deliveries';
import { ClientJobs } from '../../main/jobs';
import { dispatch, type Handlers } from '../../main/rpc';
import { NatsPublisher } from '../../main/deliveries/nats-target';
import {
  engineEnv,
  makeTempDir,
  NO_DEMO,
  startNats,
  startWebhookReceiver,
  type TempDir,
  TEST_SECRET,
  typedCall,
  waitFor,
  type WebhookReceiver,
} from '../helpers';

let dir: TempDir;
let receiver: WebhookReceiver | undefined;
beforeEach(async () => {
  dir = await makeTempDir('hexwatch-queue-');
});
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  await dir.remove();
});

/** `perFence` events for each of `fences` fences, in time order per fence. */
function events(fences: number, perFence: number): FenceEvent[] {
  const out: FenceEvent[] = [];
  for (let i = 0; i < perFence; i++)
    for (let f = 0; f < fences; f++)
      out.push({
        event_type: i % 2 ? 'exit' : 'enter',
        fence_id: `fence-${f}`,
        device_id: `dev-${(i * 7 + f) % 13}`,
        position: { lat: 40.7 + f * 1e-3, lon: -73.9 + i * 1e-4 },
        timestamp: Date.UTC(2026, 0, 1) + i * 1000 + f,
        source: 'embedded',
      });
  return out;
}
const keyOf = (e: { fence_id: string; device_id: string; timestamp: number; event_type: string }) =>
  `${e.fence_id}|${e.device_id}|${e.timestamp}|${e.event_type}`;

/** A deterministic coin per request: which half fails, and how. */
function coin(index: number): number {
  const x = Math.sin(index * 12.9898) * 43758.5453;
  return x - Math.floor(x);
}

describe('an event that cannot be rendered', () => {
  it('is dead-lettered with why, while the healthy webhook receives every other event in fence order', async () => {
    receiver = await startWebhookReceiver();
    const service = new DeliveryService({
      dataDir: dir.path,
      env: { HEXWATCH_SECRET_RECEIVER: TEST_SECRET },
      settings: { feed: false, maxAttempts: 3, backoff: { scheduleS: [0.02], jitter: 0 } },
      worker: { pollMs: 20 },
    });
    service.queue.targets.upsert({ id: 'receiver', kind: 'webhook', url: receiver.url, secretRef: 'receiver', timeoutMs: 2000, concurrency: 4 });
    const all = events(3, 10);
    // A corrupt event (a time past what a Date holds), in the middle of fence-1's events.
    const bad = all.findIndex((e, i) => e.fence_id === 'fence-1' && i > all.length / 2);
    all[bad] = { ...all[bad], timestamp: 1e16 };
    expect(service.queue.enqueue(all).items).toBe(all.length);
    service.start();
    try {
      await waitFor(() => service.queue.metrics().completed_count === all.length - 1 && service.queue.metrics().dlq_count === 1, {
        timeoutMs: 30_000,
        what: 'every good event delivered and the bad one dead-lettered',
        detail: () => JSON.stringify(service.queue.metrics()),
      });
      const [dead] = service.queue.deadLetters.list().items;
      expect(dead.lastError).toMatch(/^cannot render the event: the event's timestamp 10000000000000000 is not a time/);
      expect(dead.attempts).toBe(0);
    } finally {
      await service.stop();
    }
    const delivered = receiver.delivered().map((r) => r.event);
    expect(delivered).toHaveLength(all.length - 1);
    for (const fence of ['fence-0', 'fence-1', 'fence-2']) {
      const sent = all.filter((e, i) => e.fence_id === fence && i !== bad).map(keyOf);
      expect(delivered.filter((e) => e.fence_id === fence).map(keyOf)).toEqual(sent);
    }
  });
});

describe('a receiver that fails half the requests', () => {
  it('ends every event delivered or dead-lettered, in fence order, each with one webhook-id, every signature valid', async () => {
    receiver = await startWebhookReceiver({
      respond: (_r, i) => {
        const c = coin(i);
        return c < 0.3 ? 500 : c < 0.5 ? 'hang' : 200;
      },
    });
    const service = new DeliveryService({
      dataDir: dir.path,
      env: { HEXWATCH_SECRET_RECEIVER: TEST_SECRET },
      settings: { feed: false, maxAttempts: 5, backoff: { scheduleS: [0.02, 0.04, 0.08], jitter: 0.2 } },
      worker: { pollMs: 50 },
    });
    service.queue.targets.upsert({ id: 'receiver', kind: 'webhook', url: receiver.url, secretRef: 'receiver', timeoutMs: 300, concurrency: 8 });
    const all = events(12, 25);
    expect(service.queue.enqueue(all).items).toBe(all.length);
    service.start();
    try {
      await waitFor(
        () => {
          const m = service.queue.metrics();
          return m.completed_count + m.dlq_count === all.length && m.pending_count + m.processing_count === 0;
        },
        { timeoutMs: 90_000, what: 'every delivery to end', detail: () => JSON.stringify(service.queue.metrics()) },
      );
    } finally {
      await service.stop();
    }
    const q = DeliveryQueue.open(join(dir.path, 'queue.sqlite'));
    const dead = q.deadLetters.list({}, { limit: 1000 }).items.map((i) => keyOf(JSON.parse(i.payload).data));
    const delivered = receiver.delivered().map((r) => keyOf(r.event));
    q.close();

    // Nothing lost, nothing both: delivered ∪ dead = everything.
    expect(new Set([...delivered, ...dead]).size).toBe(all.length);
    expect(dead.filter((k) => delivered.includes(k))).toEqual([]);
    expect(receiver.requests.length).toBeGreaterThan(all.length); // the failures were retried
    expect(receiver.requests.filter((r) => !r.verified).map((r) => r.verifyError)).toEqual([]);

    // One event, one webhook-id, across all its attempts.
    const ids = new Map<string, Set<string>>();
    for (const r of receiver.requests) ids.set(keyOf(r.event), (ids.get(keyOf(r.event)) ?? new Set()).add(r.webhookId));
    expect([...ids.values()].filter((s) => s.size !== 1)).toEqual([]);

    // Per fence, what arrived arrived in event order.
    const byFence = new Map<string, number[]>();
    for (const r of receiver.delivered()) byFence.set(r.event.fence_id, [...(byFence.get(r.event.fence_id) ?? []), r.event.timestamp]);
    for (const [fence, times] of byFence) expect(times, fence).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('what the receiver asks for', () => {
  it('waits as long as a 429 Retry-After says, and a 410 Gone disables the target with its items in the DLQ', async () => {
    receiver = await startWebhookReceiver({ respond: (r) => (r.event.fence_id === 'fence-0' ? { status: 429, headers: { 'retry-after': '120' } } : 410) });
    const service = new DeliveryService({
      dataDir: dir.path,
      env: { HEXWATCH_SECRET_RECEIVER: TEST_SECRET },
      settings: { feed: false },
      worker: { pollMs: 50 },
    });
    service.queue.targets.upsert({ id: 'receiver', kind: 'webhook', url: receiver.url, secretRef: 'receiver', timeoutMs: 2000, concurrency: 1 });
    service.queue.enqueue(events(2, 2));
    const before = Date.now();
    service.start();
    try {
      await waitFor(() => service.queue.metrics().dlq_count === 2 && service.queue.metrics().pending_count === 2, {
        timeoutMs: 20_000,
        what: 'fence-1 dead, fence-0 waiting',
      });
      const waiting = service.queue.db
        .prepare(`SELECT next_attempt_at AS at, last_error AS error FROM delivery_queue WHERE partition_key = 'fence-0' AND attempts = 1`)
        .get() as { at: number; error: string };
      expect(waiting.at - before).toBeGreaterThanOrEqual(120_000);
      expect(waiting.at - Date.now()).toBeLessThanOrEqual(120_000);
      expect(waiting.error).toMatch(/^HTTP 429/);
      expect(service.queue.targets.get('receiver')).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/410 Gone/) });
      // The second item of fence-1 was never sent: its target was gone.
      expect(receiver.requests.filter((r) => r.event.fence_id === 'fence-1')).toHaveLength(1);
      expect(service.queue.deadLetters.list({ fenceId: 'fence-1' }).items.map((i) => i.lastError)).toEqual(
        expect.arrayContaining([expect.stringMatching(/HTTP 410.*target disabled/), expect.stringMatching(/target receiver is disabled/)]),
      );
    } finally {
      await service.stop();
    }
  });
});

describe('through the engine', () => {
  let engine: Engine | undefined;
  let client: EngineClient;
  afterEach(async () => {
    client?.close();
    await engine?.stop();
    engine = undefined;
  });

  async function start(extra: string[] = []): Promise<void> {
    engine = await startEngine({
      argv: ['--data-dir', dir.path, '--source', 'simulator', '--queue.maxAttempts', '2', '--queue.backoffS', '0.05', ...NO_DEMO, ...extra],
      env: engineEnv({ HEXWATCH_SECRET_RECEIVER: TEST_SECRET }),
      log: () => {},
    });
    client = engine.connect();
  }
  const call = typedCall((method, params) => client.call(method, params));

  it('manages targets, dead letters, requeue, replay and health over RPC, and feeds the live event channel', async () => {
    await start();
    let failing = true;
    receiver = await startWebhookReceiver({ respond: () => (failing ? 503 : 200) });

    const refused = await call('deliveries.saveTarget', { id: 'receiver', kind: 'webhook', secretRef: 'receiver' }).catch((e: RpcError) => e);
    expect(refused).toMatchObject({ code: 'invalid_params', issues: [{ path: 'url', message: 'a webhook target needs a url' }] });
    await call('deliveries.saveTarget', { id: 'receiver', kind: 'webhook', url: receiver.url, secretRef: 'receiver', timeoutMs: 2000 });
    expect((await call('deliveries.targets')).map((t) => t.id)).toEqual(['feed', 'receiver']);

    const feed: PayloadOf<'fences.event'>[] = [];
    client.onEvent((channel, payload) => channel === 'fences.event' && feed.push(payload as PayloadOf<'fences.event'>));

    // Events arrive through a second connection to the same file, with the engine's settings.
    const batch = events(3, 4);
    const writer = DeliveryQueue.open(join(dir.path, 'queue.sqlite'), { settings: { maxAttempts: 2 } });
    writer.enqueue(batch);
    writer.close();

    const dlq = await waitFor(
      async () =>
        (await call('deliveries.deadLetters', {})).total === batch.length ? call('deliveries.deadLetters', { fenceId: 'fence-1', limit: 2 }) : undefined,
      {
        timeoutMs: 30_000,
        what: 'every event in the DLQ',
      },
    );
    expect(dlq.total).toBe(4);
    expect(dlq.items).toHaveLength(2);
    expect(dlq.items[0]).toMatchObject({ fenceId: 'fence-1', lastError: expect.stringMatching(/^HTTP 503/) });
    const inspected = await call('deliveries.item', { id: dlq.items[0].id });
    expect(inspected.attempts.map((a) => a.httpStatus)).toEqual([503, 503]);
    expect(JSON.parse(inspected.payload)).toMatchObject({ type: expect.stringMatching(/^fence\.(enter|exit)$/), data: { fence_id: 'fence-1' } });
    expect(feed.map((f) => keyOf(f.event)).sort()).toEqual(batch.map(keyOf).sort());

    const health = await call('deliveries.health');
    expect(health.status).toBe('Degraded'); // the success rate is 0 %; 12 dead letters are not yet > 100
    expect(health.reasons.join(' ')).toMatch(/success rate 0\.0 %/);

    failing = false;
    expect(await call('deliveries.requeue', { fenceId: 'fence-0' })).toEqual({ requeued: 4 });
    expect(await call('deliveries.requeue', {})).toEqual({ requeued: 8 });
    await waitFor(async () => (await call('deliveries.metrics')).completed_count >= batch.length * 2, {
      timeoutMs: 30_000,
      what: 'requeued items delivered',
    });
    const again = await call('deliveries.item', { id: dlq.items[0].id });
    expect(again.attempts.map((a) => a.httpStatus)).toEqual([503, 503, 200]); // history kept

    const replay = await call('deliveries.replay', {
      targetId: 'receiver',
      fenceIds: ['fence-2'],
      types: ['enter'],
    });
    expect(replay).toEqual({ fromLog: 2, fromArchive: 0, queued: 2 });
    await waitFor(() => receiver!.delivered().length === batch.length + 2, { timeoutMs: 30_000, what: 'the replayed events' });
    const replayed = receiver.delivered().slice(-2);
    expect(replayed.map((r) => [r.event.fence_id, r.event.event_type])).toEqual([
      ['fence-2', 'enter'],
      ['fence-2', 'enter'],
    ]);
    // A replay is a new delivery: new ids, not swallowed by the receiver's dedup.
    const firstIds = new Set(
      receiver
        .delivered()
        .slice(0, -2)
        .map((r) => r.webhookId),
    );
    expect(replayed.filter((r) => firstIds.has(r.webhookId))).toEqual([]);

    expect(await call('deliveries.removeTarget', { id: 'receiver' })).toEqual({ movedToDlq: 0 });
    const missing = await call('deliveries.replay', { targetId: 'receiver' }).catch((e: RpcError) => e);
    expect(missing).toMatchObject({ code: 'invalid_params', message: 'no target "receiver"' });
    const m = await call('deliveries.metrics');
    expect(m.pending_count).toBe(0);
    // The status bar's figures follow within a few seconds: nothing waits, nothing is dead, but the hour's success rate is still low.
    const after = await call('deliveries.health');
    expect(after.status).toBe('Degraded');
    await waitFor(
      () => {
        const s = engine!.status().queue;
        return s?.health === 'Degraded' && s.pending === 0 && s.dlq === 0 && s.detail === after.reasons.join('; ');
      },
      { timeoutMs: 10_000, what: 'the status to show the queue as queue.health does' },
    );
  });

  it('a damaged queue file: the engine runs on, every queue method says why, the file is untouched', async () => {
    const file = join(dir.path, 'queue.sqlite');
    const junk = Buffer.from('SQLite format 3\u0000 but then a truncated mess '.repeat(300));
    writeFileSync(file, junk);
    await start();
    const err = await call('deliveries.deadLetters', {}).catch((e: RpcError) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/delivery queue is unavailable: .*queue\.sqlite .*left it untouched/) });
    expect(engine!.status().queue).toMatchObject({ health: 'Unavailable', detail: expect.stringMatching(/queue\.sqlite/) });
    expect((await call('status.get')).source).toBe('simulator');
    await engine!.stop();
    engine = undefined;
    expect(readFileSync(file).equals(junk)).toBe(true);
  });
});

describe('a NATS subject as target', () => {
  it('publishes each event once under Nats-Msg-Id = its delivery id, so a retried publish is deduped by JetStream', async () => {
    const nats = await startNats();
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'ALERTS', subjects: ['alerts.>'] });
      const config = ConfigSchema.parse({ nats: { servers: [nats.url] } }).nats;
      const service = new DeliveryService({ dataDir: dir.path, nats: config, env: {}, settings: { feed: false }, worker: { pollMs: 50 } });
      service.queue.targets.upsert({ id: 'alerts', kind: 'nats', subject: 'alerts.fences', timeoutMs: 5000, concurrency: 4 });
      const batch = events(5, 10);
      service.queue.enqueue(batch);
      service.start();
      await waitFor(() => service.queue.metrics().completed_count === batch.length, { timeoutMs: 30_000, what: 'every event published' });
      const item = service.queue.deadLetters.get(firstId(service.queue))!.item;
      const target = service.queue.targets.get('alerts')!;
      await service.stop();

      expect((await jsm.streams.info('ALERTS')).state.messages).toBe(batch.length);
      const stored = await jsm.streams.getMessage('ALERTS', { seq: 1 });
      expect(stored!.header!.get('Nats-Msg-Id')).toBe(item.id);
      expect(JSON.parse(new TextDecoder().decode(stored!.data))).toMatchObject({ data: batch[0] });

      // The ack of a publish was lost and the item is retried: the stream keeps one copy.
      const publisher = new NatsPublisher(config, {});
      const retry = await publisher.deliver(target, item);
      await publisher.close();
      expect(retry).toMatchObject({ status: 'success', error: expect.stringMatching(/duplicate/) });
      expect((await jsm.streams.info('ALERTS')).state.messages).toBe(batch.length);
    } finally {
      await nc.close();
      await nats.stop();
    }
  });
});

/** The delivery id of the first item queued: msg_<the file's instance><seq in base 36>. */
function firstId(q: DeliveryQueue): string {
  const { value } = q.db.prepare(`SELECT value FROM meta WHERE key = 'instance'`).get() as { value: string };
  const { seq } = q.db.prepare('SELECT MIN(seq) AS seq FROM delivery_queue').get() as { seq: number };
  return `msg_${value}${seq.toString(36)}`;
}

describe('replay', () => {
  it('re-delivers events older than the log from the Parquet archive, then the log’s own, in time order', async () => {
    receiver = await startWebhookReceiver();
    const part = join(dir.path, 'archive', 'fence_events', 'date=2025-12-31', 'hour=23');
    mkdirSync(part, { recursive: true });
    const duck = await DuckDBInstance.create(':memory:');
    const c = await duck.connect();
    await c.run(`COPY (SELECT * FROM (VALUES
        ('enter', 'fence-0', 'dev-old', TIMESTAMP '2025-12-31 23:10:00', 40.1, -73.1, NULL, 'tile38'),
        ('exit',  'fence-0', 'dev-old', TIMESTAMP '2025-12-31 23:20:00', 40.2, -73.2, 'north', 'tile38'),
        ('enter', 'fence-9', 'dev-old', TIMESTAMP '2025-12-31 23:30:00', 40.3, -73.3, NULL, 'tile38'))
        AS t(event_type, fence_id, device_id, ts, lat, lon, "group", source))
      TO '${join(part, 'part-1.parquet')}' (FORMAT parquet, COMPRESSION zstd)`);
    c.closeSync();
    duck.closeSync();

    const service = new DeliveryService({
      dataDir: dir.path,
      env: { HEXWATCH_SECRET_RECEIVER: TEST_SECRET },
      settings: { feed: false },
      worker: { pollMs: 50 },
    });
    try {
      service.queue.targets.upsert({ id: 'receiver', kind: 'webhook', url: receiver.url, secretRef: 'receiver', timeoutMs: 2000, concurrency: 4 });
      service.queue.enqueue(events(1, 2));
      service.start();
      await waitFor(() => receiver!.delivered().length === 2, { timeoutMs: 10_000, what: 'the first deliveries' });
      const r = await service.replay({ fenceIds: ['fence-0'] }, 'receiver');
      expect({ fromLog: r.fromLog, fromArchive: r.fromArchive }).toEqual({ fromLog: 2, fromArchive: 2 });
      await waitFor(() => receiver!.delivered().length === 6, { timeoutMs: 10_000, what: 'the replayed events' });
      expect(
        receiver
          .delivered()
          .slice(2)
          .map((d) => [d.event.device_id, d.event.event_type, new Date(d.event.timestamp).toISOString()]),
      ).toEqual([
        ['dev-old', 'enter', '2025-12-31T23:10:00.000Z'],
        ['dev-old', 'exit', '2025-12-31T23:20:00.000Z'],
        ['dev-0', 'enter', '2026-01-01T00:00:00.000Z'],
        ['dev-7', 'exit', '2026-01-01T00:00:01.000Z'],
      ]);
      expect(JSON.parse(receiver.delivered()[3].body).data).toMatchObject({ group: 'north', source: 'tile38', position: { lat: 40.2, lon: -73.2 } });
    } finally {
      await service.stop();
    }
  });

  it('stops a replay cancelled between chunks: it rejects as cancelled, saying how many it queued, and those stay queued', async () => {
    const service = new DeliveryService({ dataDir: dir.path, settings: { feed: false }, worker: { pollMs: 50 } });
    try {
      // Never started: what is queued stays pending, to be counted.
      service.queue.targets.upsert({ id: 'receiver', kind: 'webhook', url: 'http://127.0.0.1:9/', timeoutMs: 2000, concurrency: 1 });
      service.queue.enqueue(events(1, 12_000));
      const before = service.queue.metrics().pending_count;
      const heard: string[] = [];
      // Progress unthrottled, so the cancel comes right after the first chunk.
      const jobs: ClientJobs = new ClientJobs(
        'c1',
        (p) => {
          if (p.method !== 'deliveries.replay') return;
          heard.push(`${p.phase} ${p.queued}/${p.total}`);
          if (p.phase === 'queueing') jobs.cancel('r1');
        },
        0,
      );
      // The queue's handlers alone, as the engine dispatches to them.
      const handlers = deliveryHandlers(() => service) as Handlers<{ jobs: ClientJobs }>;
      const err = await dispatch(handlers, 'deliveries.replay', { targetId: 'receiver', jobId: 'r1' }, { jobs }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RpcError);
      expect((err as RpcError).toBody()).toEqual({ code: 'cancelled', message: 'replay cancelled: 5000 events queued before the cancel stay queued' });
      expect(heard).toEqual(['reading 0/0', 'queueing 5000/12000']);
      expect(service.queue.metrics().pending_count - before).toBe(5000);
    } finally {
      await service.stop();
    }
  });
});
