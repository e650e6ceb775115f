// Several engines (web-mode child processes, each its own data dir) on one nats-server and one Tile38, with
// `fences.registry: nats`: fences saved on any engine reach every engine's list with the same versions, Tile38
// holds each hook or channel once (deployed by the one lease holder), a conflicting edit is refused, and a
// receiver gets each fence event once, under the id any engine would give it.
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { FenceInput } from '../../shared/fence';
import { DeliveryQueue, deliveryIdOf } from '../../main/deliveries';
import {
  engineRpc,
  natsServerPath,
  startNats,
  startTile38,
  startWebhookReceiver,
  startWebMode,
  TEST_SECRET,
  tile38ServerPath,
  waitFor,
  type EngineRpc,
  type RunningServer,
  type WebhookReceiver,
  type WebMode,
} from '../helpers';

const { Redis } = createRequire(import.meta.url)('ioredis') as typeof IORedis;
const T0 = Date.UTC(2026, 0, 5, 9);
/** Three fences side by side along a street; a device walks from west of the first to east of the last. */
const fenceAt = (id: string, i: number): FenceInput => ({
  id,
  name: id,
  geometry: { type: 'Rectangle', bbox: [-73.99 + i * 0.01, 40.75, -73.985 + i * 0.01, 40.755] },
  detect: ['enter', 'exit'],
  targets: ['hook'],
  enabled: true,
});

interface Engine {
  web: WebMode;
  rpc: EngineRpc;
}

let servers: RunningServer[] = [];
let engines: Engine[] = [];
let receiver: WebhookReceiver | undefined;
afterEach(async () => {
  for (const e of engines) {
    await e.rpc.close().catch(() => undefined);
    await e.web.stop();
  }
  await receiver?.close();
  for (const s of servers) await s.stop();
  engines = [];
  servers = [];
  receiver = undefined;
});

async function startFleetEngine(nats: RunningServer, tile38: RunningServer, mode: 'channel' | 'hook', follower?: RunningServer): Promise<Engine> {
  const web = await startWebMode({
    args: [
      ...['--nats', nats.url, '--tile38.host', tile38.host, '--tile38.port', String(tile38.port), '--tile38.mode', mode],
      ...['--fences.registry', 'nats', '--fences.deployLeaseS', '3'],
      ...(follower ? ['--tile38.followers', `${follower.host}:${follower.port}`] : []),
    ],
    env: { HEXWATCH_SECRET_TEST: TEST_SECRET },
  });
  const rpc = await engineRpc(web);
  await rpc.call('deliveries.saveTarget', { id: 'hook', kind: 'webhook', url: receiver!.url, secretRef: 'test' });
  const engine = { web, rpc };
  engines.push(engine);
  return engine;
}

/** Each engine's fences as `id@version`, once every engine shows `want`. */
async function sameFencesEverywhere(want: string[]): Promise<void> {
  let seen: string[] = [];
  await waitFor(
    async () => {
      seen = await Promise.all(engines.map(async (e) => (await e.rpc.call('fences.list')).map((f) => `${f.id}@${f.version}`).join(' ')));
      return seen.every((l) => l === want.join(' '));
    },
    { timeoutMs: 15_000, what: `every engine listing ${want.join(' ')}`, detail: () => seen.join(' | ') },
  );
}

/** Which engine deploys (the lease holder), once exactly one does and every fence is deployed on every engine. */
async function oneDeployer(ids: string[]): Promise<number> {
  let seen: unknown[] = [];
  const deploying = await waitFor(
    async () => {
      const all = await Promise.all(engines.map((e) => e.rpc.call('fences.status')));
      seen = all;
      const holders = all.flatMap((s, i) => (s.registry?.deploying ? [i] : []));
      const deployed = all.every((s) => ids.every((id) => s.deploy?.[id]?.state === 'deployed'));
      return holders.length === 1 && deployed ? holders : undefined;
    },
    { timeoutMs: 20_000, what: 'one deployer and every fence deployed on every engine', detail: () => JSON.stringify(seen) },
  );
  return deploying[0];
}

/**
 * Walks `devices` east through the three fences, one step at a time for all of them: each step is in Tile38 (read
 * back with GET) before the next is published, since engines sharing the consumer SET their shares independently.
 */
async function walk(nats: RunningServer, tile38: IORedis.Redis, devices: string[], t0: number): Promise<void> {
  const nc = await connect({ servers: nats.url });
  const steps = [-74.0, -73.9875, -73.98, -73.9775, -73.97, -73.9675, -73.95];
  try {
    for (const [k, lon] of steps.entries()) {
      for (const id of devices) nc.publish(`pos.${id}`, JSON.stringify({ id, lat: 40.7525, lon, ts: t0 + k * 1000 }));
      await nc.flush();
      await waitFor(
        async () => {
          const points = await Promise.all(devices.map((id) => tile38.call('GET', 'fleet', id, 'POINT') as Promise<[string, string] | null>));
          return points.every((p) => p !== null && Number(p[1]) === lon);
        },
        { timeoutMs: 15_000, what: `step ${k} of ${devices.length} devices in Tile38` },
      );
    }
  } finally {
    await nc.close();
  }
}

/** Waits until the receiver has `n` deliveries and every engine's queue is empty; returns them. */
async function delivered(n: number): Promise<WebhookReceiver['requests']> {
  await waitFor(
    async () => {
      if (receiver!.delivered().length < n) return false;
      const figures = await Promise.all(engines.map((e) => e.rpc.call('deliveries.metrics')));
      return figures.every((f) => f.pending_count === 0 && f.processing_count === 0);
    },
    { timeoutMs: 30_000, what: `${n} deliveries and empty queues`, detail: () => `${receiver!.delivered().length} delivered` },
  );
  return receiver!.delivered();
}

/** Each delivered event once: by (fence, device, type, time), under the id derived from it. */
function expectEachOnce(requests: WebhookReceiver['requests'], n: number): void {
  const keys = requests.map((r) => `${r.event.fence_id}|${r.event.device_id}|${r.event.event_type}|${r.event.timestamp}`);
  expect(new Set(keys).size, 'an event delivered twice').toBe(keys.length);
  expect(keys).toHaveLength(n);
  expect(requests.every((r) => r.verified)).toBe(true);
  for (const r of requests) expect(r.webhookId).toBe(deliveryIdOf({ ...r.event, event_type: r.event.event_type as 'enter' }, 'hook'));
}

describe.skipIf(!tile38ServerPath() || !natsServerPath())('a fleet of engines on one Tile38, fences in NATS', () => {
  it('channel mode, three engines: one registry, each channel once, each event once — and the lease moves on a stop and after a SIGKILL', async () => {
    const nats = await startNats();
    const tile38 = await startTile38();
    servers = [nats, tile38];
    receiver = await startWebhookReceiver();
    const redis = new Redis({ host: tile38.host, port: tile38.port, lazyConnect: true });
    await redis.connect();
    try {
      // The first engine makes the bucket; the others start together.
      await startFleetEngine(nats, tile38, 'channel');
      await Promise.all([startFleetEngine(nats, tile38, 'channel'), startFleetEngine(nats, tile38, 'channel')]);
      await Promise.all(['west', 'middle', 'east'].map((id, i) => engines[i].rpc.call('fences.save', { fence: fenceAt(id, i) })));
      await sameFencesEverywhere(['east@1', 'middle@1', 'west@1']);

      // An edit on one engine, then a stale edit of the same version on another: refused, saying why.
      await engines[2].rpc.call('fences.save', { fence: { ...fenceAt('west', 0), name: 'West (edited)' }, expectedVersion: 1 });
      await expect(engines[0].rpc.call('fences.save', { fence: { ...fenceAt('west', 0), name: 'stale' }, expectedVersion: 1 })).rejects.toThrow(
        /was edited meanwhile: it is at version 2, not 1/,
      );
      await sameFencesEverywhere(['east@1', 'middle@1', 'west@2']);
      const west = await Promise.all(engines.map(async (e) => (await e.rpc.call('fences.get', { id: 'west' })).history.map((v) => v.version)));
      expect(west).toEqual([
        [1, 2],
        [1, 2],
        [1, 2],
      ]);

      const deployer = await oneDeployer(['west', 'middle', 'east']);
      const chans = (await redis.call('CHANS', 'hexwatch.*')) as unknown[][];
      expect(chans.map((c) => String(c[0])).sort()).toEqual(['hexwatch.east', 'hexwatch.middle', 'hexwatch.west']);

      const devices = [...Array(12).keys()].map((i) => `truck-${i}`);
      await walk(nats, redis, devices, T0);
      // 12 devices × 3 fences × (enter, exit).
      expectEachOnce(await delivered(72), 72);

      // The deployer stops: it hands the lease back, another engine takes it and subscribes; events go on, once each.
      const [gone] = engines.splice(deployer, 1);
      await gone.rpc.close();
      await gone.web.stop();
      await oneDeployer(['west', 'middle', 'east']);
      expect(((await redis.call('CHANS', 'hexwatch.*')) as unknown[][]).length).toBe(3);
      await walk(
        nats,
        redis,
        devices.map((d) => `${d}-b`),
        T0 + 60_000,
      );
      expectEachOnce(await delivered(144), 144);

      // The new deployer is SIGKILLed: its lease lapses (3 s) and the last engine takes over and subscribes.
      const next = await oneDeployer(['west', 'middle', 'east']);
      const [killed] = engines.splice(next, 1);
      killed.web.proc.child.kill('SIGKILL');
      await killed.web.proc.exited;
      await killed.rpc.close().catch(() => undefined);
      await oneDeployer(['west', 'middle', 'east']);
      await walk(
        nats,
        redis,
        devices.map((d) => `${d}-c`),
        T0 + 120_000,
      );
      expectEachOnce(await delivered(216), 216);
      engines.push(killed);
    } finally {
      redis.disconnect();
    }

    // The same event given to two engines' queues (their files, engines stopped) gets the same id in both.
    const [a, b] = engines.splice(0, 2);
    for (const e of [a, b]) {
      await e.rpc.close().catch(() => undefined);
      await e.web.proc.stop();
    }
    const event = receiver.delivered()[0].event;
    const ids = [a, b].map((e) => {
      const q = DeliveryQueue.open(join(e.web.dataDir, 'queue.sqlite'));
      try {
        q.enqueue([{ ...(event as Parameters<typeof deliveryIdOf>[0] & { position: { lat: number; lon: number }; source: 'tile38' }), targets: ['hook'] }]);
        return q.deadLetters.get(deliveryIdOf(event as Parameters<typeof deliveryIdOf>[0], 'hook'))?.item.id;
      } finally {
        q.close();
      }
    });
    expect(ids).toEqual([receiver.delivered()[0].webhookId, receiver.delivered()[0].webhookId]);
    await a.web.stop();
    await b.web.stop();
  }, 120_000);

  it('hook mode, two engines reading from a follower: each hook once, events read once through the shared JetStream consumer', async () => {
    const nats = await startNats();
    const tile38 = await startTile38();
    const follower = await startTile38();
    servers = [nats, tile38, follower];
    receiver = await startWebhookReceiver();
    const redis = new Redis({ host: tile38.host, port: tile38.port, lazyConnect: true });
    await redis.connect();
    const replica = new Redis({ host: follower.host, port: follower.port, lazyConnect: true });
    await replica.connect();
    try {
      await replica.call('FOLLOW', tile38.host, String(tile38.port));
      await startFleetEngine(nats, tile38, 'hook', follower);
      await startFleetEngine(nats, tile38, 'hook', follower);
      await engines[0].rpc.call('fences.save', { fence: fenceAt('west', 0) });
      await engines[1].rpc.call('fences.save', { fence: fenceAt('middle', 1) });
      // An import goes through the registry too.
      const [w, s, e, n] = (fenceAt('east', 2).geometry as { bbox: number[] }).bbox;
      const ring = [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ];
      const imported = await engines[1].rpc.call('fences.import', {
        collection: {
          type: 'FeatureCollection',
          features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] }, properties: { id: 'east', targets: ['hook'] } }],
        },
      });
      expect(imported).toEqual({ saved: ['east'], errors: [] });
      await sameFencesEverywhere(['east@1', 'middle@1', 'west@1']);
      // The engine that does not deploy sees the hooks deployed by reading them from the follower.
      const deployer = await oneDeployer(['west', 'middle', 'east']);
      const hooks = (await redis.call('HOOKS', 'hexwatch.*')) as unknown[][];
      expect(hooks.map((h) => String(h[0])).sort()).toEqual(['hexwatch.east', 'hexwatch.middle', 'hexwatch.west']);
      expect(await engines[1 - deployer].rpc.call('fences.status')).toMatchObject({
        readsFrom: `${follower.host}:${follower.port}`,
        serverVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
        registry: { kind: 'nats', state: 'watching', deploying: false },
      });

      const devices = [...Array(10).keys()].map((i) => `van-${i}`);
      await walk(nats, redis, devices, T0);
      expectEachOnce(await delivered(60), 60);
    } finally {
      redis.disconnect();
      replica.disconnect();
    }
  }, 120_000);

  it('promotes a follower by hand as the README says: FOLLOW no one, and it takes writes', async () => {
    const leader = await startTile38();
    const follower = await startTile38();
    servers = [leader, follower];
    const [l, f] = [leader, follower].map((t) => new Redis({ host: t.host, port: t.port, lazyConnect: true }));
    try {
      await Promise.all([l.connect(), f.connect()]);
      await f.call('FOLLOW', leader.host, String(leader.port));
      await l.call('SET', 'fleet', 'truck-1', 'POINT', '40.75', '-73.98');
      await waitFor(async () => (await f.call('GET', 'fleet', 'truck-1', 'POINT').catch(() => null)) !== null, {
        timeoutMs: 15_000,
        what: 'the follower replicating the leader',
      });
      await expect(f.call('SET', 'fleet', 'truck-2', 'POINT', '40.75', '-73.98')).rejects.toThrow(/not the leader/);
      await f.call('FOLLOW', 'no', 'one');
      await f.call('SET', 'fleet', 'truck-2', 'POINT', '40.75', '-73.98');
      expect(await f.call('GET', 'fleet', 'truck-2', 'POINT')).toEqual(['40.75', '-73.98']);
    } finally {
      l.disconnect();
      f.disconnect();
    }
  });
});
