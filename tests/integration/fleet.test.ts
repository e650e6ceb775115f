// Engines find each other only through NATS: three engines (own data dirs, one nats-server 2.15) each list all
// three from the hexwatch-fleet bucket; one SIGKILLed shows as gone within 3 heartbeats and a margin, one
// stopped (SIGTERM) leaves at once; a watch-only engine lists the others and pulls nothing. And on 2.9 the fleet still works.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FleetList } from '../../shared/rpc';
import {
  connectRpc,
  engineRpc,
  oldestNatsServerPath,
  payloadsOf,
  startNats,
  startWebMode,
  SteadyPublisher,
  waitFor,
  type EngineRpc,
  type RunningServer,
  type WebMode,
} from '../helpers';

const HEARTBEAT_S = 1;
/** What an engine at a loaded 2-core machine may take beyond the 3 missed heartbeats to notice. */
const MARGIN_MS = 4000;
const NAMES = ['alpha', 'bravo', 'charlie'];

let nats: RunningServer;
const engines: { web: WebMode; rpc: EngineRpc }[] = [];

beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  for (const e of engines) {
    await e.rpc.close().catch(() => undefined);
    await e.web.stop();
  }
  await nats?.stop();
});

async function start(id: string, more: string[] = []): Promise<{ web: WebMode; rpc: EngineRpc }> {
  const web = await startWebMode({ args: ['--nats', nats.url, '--archive.engineId', id, '--fleet.heartbeatS', String(HEARTBEAT_S), ...more] });
  const e = { web, rpc: await engineRpc(web) };
  engines.push(e);
  return e;
}

const states = (list: FleetList) => Object.fromEntries(list.engines.map((e) => [e.id, e.state]));

it('three engines list each other; a killed one goes, a stopped one leaves; a watch-only one sees them and pulls nothing', async () => {
  const [alpha, bravo, charlie] = await Promise.all(NAMES.map((n) => start(n)));
  for (const e of [alpha, bravo, charlie]) {
    await waitFor(async () => Object.values(states(await e.rpc.call('fleet.list'))).filter((s) => s === 'live').length === 3, {
      timeoutMs: 10 * HEARTBEAT_S * 1000,
      what: `${e.web.dataDir}'s fleet.list naming all three live`,
      detail: () => e.web.proc.tail(),
    });
  }
  // A client of alpha's that only listens: what fleet.changed tells it.
  const listener = await connectRpc(alpha.web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
  if (!listener.ok) throw new Error(listener.error);
  const list = await alpha.rpc.call('fleet.list');
  expect(list.mode).toBe('bucket');
  expect(list.self).toEqual({ id: 'alpha', name: 'alpha', watchOnly: false });
  expect(list.engines.map((e) => [e.id, e.self])).toEqual([
    ['alpha', true],
    ['bravo', false],
    ['charlie', false],
  ]);
  const bravoSeen = list.engines.find((e) => e.id === 'bravo')!;
  expect(bravoSeen).toMatchObject({ name: 'bravo', source: 'nats', fenceMode: 'embedded', heartbeatS: HEARTBEAT_S, partitions: [] });
  expect(bravoSeen.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(list.partitions).toEqual([]);

  // The heartbeats are in the bucket under the engine ids, as any NATS client reads them.
  const nc: NatsConnection = await connect({ servers: nats.url });
  try {
    const kv = await new Kvm(nc).open('hexwatch-fleet');
    expect((await kv.get('charlie'))?.json<{ name: string }>().name).toBe('charlie');

    // A watch-only engine: lists the three from their heartbeats, puts none of its own, pulls no positions.
    const watcher = await start('watcher', ['--fleet.watchOnly', 'true']);
    await waitFor(
      async () =>
        Object.keys(states(await watcher.rpc.call('fleet.list')))
          .sort()
          .join() === NAMES.join(),
      {
        timeoutMs: 10_000,
        what: 'the watcher listing alpha, bravo and charlie',
        detail: () => watcher.web.proc.tail(),
      },
    );
    expect((await watcher.rpc.call('fleet.list')).self.watchOnly).toBe(true);
    const watcherStatus = await watcher.rpc.call('status.get');
    expect(watcherStatus.sourceDetail).toContain('watch only');
    const publisher = new SteadyPublisher({ nc, subject: 'pos.fleet', ratePerSec: 2000, limit: 2000 }).start();
    await waitFor(() => publisher.published >= 2000, { timeoutMs: 20_000, what: '2,000 published' });
    await publisher.stop();
    const committed = async (e: { rpc: EngineRpc }) => (await e.rpc.call('history.counts')).hot;
    await waitFor(async () => (await Promise.all([alpha, bravo, charlie].map(committed))).reduce((a, b) => a + b, 0) === 2000, {
      timeoutMs: 30_000,
      what: 'the three engines committing the 2,000 between them',
    });
    expect(await committed(watcher)).toBe(0);
    expect(Object.keys(states(await alpha.rpc.call('fleet.list')))).not.toContain('watcher');
    expect(await kv.get('watcher')).toBeNull();

    // SIGKILL: nobody deletes its key; the others count 3 missed heartbeats.
    const killedAt = Date.now();
    charlie.web.proc.child.kill('SIGKILL');
    for (const e of [alpha, bravo, watcher]) {
      await waitFor(async () => states(await e.rpc.call('fleet.list')).charlie === 'gone', {
        timeoutMs: Math.max(0, killedAt + 3 * HEARTBEAT_S * 1000 + MARGIN_MS - Date.now()),
        what: 'charlie shown as gone within 3 heartbeats and a margin',
      });
    }
    // fleet.changed told alpha's clients of it (membership changed).
    await waitFor(() => payloadsOf(listener.client, 'fleet.changed').some((p) => states(p).charlie === 'gone'), {
      timeoutMs: 3000,
      what: 'fleet.changed naming charlie gone',
    });

    // SIGTERM: bravo deletes its key as it stops, so it has left before a heartbeat could be missed.
    await bravo.web.stop();
    await waitFor(async () => states(await alpha.rpc.call('fleet.list')).bravo === 'left', { timeoutMs: 3000, what: 'bravo shown as left' });
    await waitFor(async () => states(await watcher.rpc.call('fleet.list')).bravo === 'left', { timeoutMs: 3000, what: 'bravo left, for the watcher' });
    // Deleted, not expired: the key's last entry is its deletion.
    expect((await kv.get('bravo'))?.operation).toBe('DEL');
  } finally {
    await listener.client.close();
    await nc.close();
  }
});

it('keeps the fleet on the oldest supported nats-server (2.9: key-value buckets, no per-message TTL)', async () => {
  const binary = oldestNatsServerPath();
  if (!binary) throw new Error('hexwatch tests need the oldest supported nats-server: install Debian\'s "nats-server" package');
  const old = await startNats({ binary });
  const web = await startWebMode({ args: ['--nats', old.url, '--archive.engineId', 'old-timer', '--fleet.heartbeatS', String(HEARTBEAT_S)] });
  const rpc = await engineRpc(web);
  const nc = await connect({ servers: old.url });
  try {
    const list = await waitFor(
      async () => {
        const l = await rpc.call('fleet.list');
        return l.engines.length === 1 && !l.error ? l : null;
      },
      { timeoutMs: 10_000, what: 'a fleet of one without a bucket error', detail: () => web.proc.tail() },
    );
    expect(list.engines[0]).toMatchObject({ id: 'old-timer', state: 'live', self: true });
    const kv = await new Kvm(nc).open('hexwatch-fleet');
    await waitFor(async () => (await kv.get('old-timer'))?.operation === 'PUT', { timeoutMs: 5000, what: "old-timer's heartbeat in the bucket" });
    // Ingest on 2.9 too: the heartbeat may come before the stream is set up, so it is waited for, not read once.
    await waitFor(async () => (await rpc.call('status.get')).sourceState === 'running', {
      timeoutMs: 15_000,
      what: 'ingest running on 2.9',
      detail: () => web.proc.tail(),
    });
  } finally {
    await nc.close();
    await rpc.close();
    await web.stop();
    await old.stop();
  }
});
