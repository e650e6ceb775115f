// The market through a real nats-server and the engine in web mode: supply from positions and demand from
// the DEMAND stream per cell, against a reference the test computes on its own; bad requests quarantined;
// kill -9 while requests stream in, and after the restarts every request counted exactly once and acked (in
// ranges); the worst requests refused while the rest count; a consumer that acked one by one recreated; requests
// aged out of the stream while the engine was away leave no hole its range acks wait behind.
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { cellToParent, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  engineRpc,
  engineEnv,
  hexwatchBin,
  makeTempDir,
  NO_DEMO,
  repoRoot,
  runToExit,
  startNats,
  startWebhookReceiver,
  startWebMode,
  TEST_SECRET,
  waitFor,
  type RunningServer,
} from '../helpers';
import { startEngine } from '../../main';
import { seededRandom } from '../../main/simulator';

let nats: RunningServer;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
  await jsm.streams.add({ name: 'DEMAND', subjects: ['demand.>'] });
});
afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

/** The engine's flags for requests from the stream `NAME` (subjects `name.>`), read by the consumer `name-test`. */
function demandArgs(stream: string): string[] {
  const name = stream.toLowerCase();
  return [
    '--nats',
    nats.url,
    '--market.tickS',
    '3600',
    '--market.demandStream',
    stream,
    '--market.demandSubjects',
    `${name}.>`,
    '--market.demandConsumer',
    `${name}-test`,
  ];
}

/** A point's market cell as hexwatch files every fix: the resolution-8 parent of its resolution-15 cell (the archive's `h3_parent(h3, 8)`). */
const cellOf = (lat: number, lon: number) => cellToParent(latLngToCell(lat, lon, 15), 8);

/** The pricing curve as a table of its corners, interpolated: written apart from the engine's pieces. */
function referenceSurge(supply: number, demand: number): number {
  if (supply === 0) return 5;
  const corners: [number, number][] = [
    [0, 1],
    [0.5, 1],
    [1, 1.2],
    [1.5, 1.5],
    [2, 2],
    [8, 5],
  ];
  const r = demand / supply;
  if (r >= 8) return 5;
  const i = corners.findIndex(([x], k) => k > 0 && r <= x);
  const [x0, y0] = corners[i - 1]!;
  const [x1, y1] = corners[i]!;
  return y0 + ((r - x0) / (x1 - x0)) * (y1 - y0);
}

describe('the market from NATS', () => {
  it('counts unique available devices and requests per cell as the test does, and quarantines bad requests', async () => {
    const web = await startWebMode({ args: ['--nats', nats.url, '--market.tickS', '3600', '--market.resolution', '8'] });
    const rpc = await engineRpc(web);
    try {
      const random = seededRandom(3);
      const at = () => [40.7 + random() * 0.06, -74.0 + random() * 0.06] as const;
      const supply = new Map<string, string>(); // device → the cell it was last seen in (as supply)
      const demand = new Map<string, number>();
      let positions = 0;
      for (let round = 0; round < 5; round++)
        for (let d = 0; d < 60; d++) {
          const [lat, lon] = at();
          // Every fifth is a rider (kind "demand"), every seventh off duty: neither is supply.
          const kind = d % 5 === 0 ? 'demand' : d % 2 ? 'xl' : 'standard';
          const props = d % 7 === 0 ? { available: false } : { shift: 'day' };
          nc.publish('pos.city', JSON.stringify({ id: `car-${d}`, lat, lon, ts: Date.now(), kind, props }));
          positions++;
          if (kind !== 'demand' && d % 7 !== 0) supply.set(`car-${d}`, cellOf(lat, lon));
        }
      for (let i = 0; i < 400; i++) {
        const [lat, lon] = at();
        nc.publish('demand.city', JSON.stringify({ id: `req-${i}`, lat, lon, ts: Date.now(), ...(i % 3 ? {} : { kind: 'xl' }) }));
        const cell = cellOf(lat, lon);
        demand.set(cell, (demand.get(cell) ?? 0) + 1);
      }
      for (const bad of ['{"id":"req-x","lat":95,"lon":1,"ts":1}', 'not a request', '{"id":"req-y","lat":1,"lon":1}']) nc.publish('demand.city', bad);
      await nc.flush();

      const expected = new Map<string, { supply: number; demand: number }>();
      for (const cell of supply.values()) expected.set(cell, { supply: (expected.get(cell)?.supply ?? 0) + 1, demand: 0 });
      for (const [cell, n] of demand) expected.set(cell, { supply: expected.get(cell)?.supply ?? 0, demand: n });
      const shown = await waitFor(
        async () => {
          const { cells } = await rpc.call('market.cells', { limit: 10_000 });
          const demanded = cells.reduce((n, c) => n + c.demand, 0);
          // Supply follows each batch's commit: history.counts can see the rows a moment before the market has them.
          const supplied = cells.reduce((n, c) => n + c.supply, 0);
          return demanded === 400 && supplied === supply.size && (await rpc.call('history.counts')).hot === positions ? cells : undefined;
        },
        { timeoutMs: 30_000, what: 'every position and request counted', detail: () => web.proc.tail() },
      );
      expect(new Map(shown.map((c) => [c.hex, { supply: c.supply, demand: c.demand }]))).toEqual(expected);
      for (const c of shown) {
        expect(c.surge, c.hex).toBeCloseTo(referenceSurge(c.supply, c.demand), 9);
        expect(c.ratio).toBeCloseTo(c.supply / Math.max(1, c.demand), 9);
      }
      // The surging cells come first.
      expect(shown.map((c) => c.surge)).toEqual([...shown.map((c) => c.surge)].sort((a, b) => b - a));

      // One cell in detail: its kinds, as published.
      const busiest = [...demand].sort((a, b) => b[1] - a[1])[0]![0];
      const detail = await rpc.call('market.cell', { hex: busiest });
      expect(detail.now.demand).toBe(demand.get(busiest));

      const quarantined = await rpc.call('quarantine.counts');
      expect(quarantined).toMatchObject({ invalid_lat: 1, invalid_json: 1, invalid_ts: 1 });
      const metrics = await rpc.call('market.metrics');
      expect(metrics.error_rate).toBeCloseTo(3 / 403, 9);
      expect(metrics.demand_state).toBe('running');
    } finally {
      await rpc.close();
      await web.stop();
    }
  });

  it('counts every request exactly once when the engine is killed while they stream in', async () => {
    const dir = await makeTempDir('hexwatch-market-kill-');
    const jsm = await jetstreamManager(nc);
    await jsm.streams.purge('DEMAND');
    const TOTAL = 30_000;
    // A short ack wait: what a killed engine had taken and not counted comes again within seconds.
    const args = ['--nats', nats.url, '--market.tickS', '3600', '--market.demandConsumer', 'kill-test', '--nats.batch', '500', '--nats.ackWaitS', '5'];
    let published = 0;
    const publishing = (async () => {
      const random = seededRandom(5);
      while (published < TOTAL) {
        for (let k = 0; k < 500; k++, published++)
          nc.publish('demand.k', JSON.stringify({ id: `k-${published}`, lat: 40.7 + random() * 0.1, lon: -74 + random() * 0.1, ts: Date.now() }));
        await nc.flush();
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    let kills = 0;
    while (kills < 4) {
      const web = await startWebMode({ dataDir: dir.path, args });
      await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 900)));
      web.proc.child.kill('SIGKILL');
      await web.proc.exited;
      kills++;
    }
    await publishing;
    const web = await startWebMode({ dataDir: dir.path, args });
    const rpc = await engineRpc(web);
    try {
      const total = async () => (await rpc.call('market.cells', { limit: 10_000 })).cells.reduce((n, c) => n + c.demand, 0);
      await waitFor(async () => (await total()) >= TOTAL, { timeoutMs: 60_000, what: `${TOTAL} requests counted`, detail: () => web.proc.tail() });
      // Nothing left behind to come in later and count a second time.
      let depth = '';
      await waitFor(
        async () => {
          const m = await rpc.call('market.metrics');
          const c = await jsm.consumers.info('DEMAND', 'kill-test');
          depth = `${JSON.stringify(m)} ${JSON.stringify(c)}`;
          return m.queue_depth === 0;
        },
        {
          timeoutMs: 10_000,
          what: 'the consumer drained',
          detail: () => depth,
        },
      );
      expect(await total()).toBe(TOTAL);
      // Acked in ranges, and the acks reach the last request; what comes again is skipped, not counted twice.
      const last = (await jsm.streams.info('DEMAND')).state.last_seq;
      let seen = '';
      await waitFor(
        async () => {
          const c = await jsm.consumers.info('DEMAND', 'kill-test');
          seen = `ack policy ${c.config.ack_policy}, ack floor ${c.ack_floor.stream_seq}, ${c.num_ack_pending} unacked`;
          // (Not num_ack_pending: nats-server can keep a redelivery it sent as an ack passed it pending below the floor.)
          return c.config.ack_policy === 'all' && c.ack_floor.stream_seq === last;
        },
        { timeoutMs: 60_000, what: `every request acked through ${last}`, detail: () => seen },
      );
      expect(await total()).toBe(TOTAL);
    } finally {
      await rpc.close();
      await web.stop();
      await dir.remove();
    }
  });

  it('refuses the worst requests to quarantine while the rest count, and its acks pass over them', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.purge('DEMAND');
    const web = await startWebMode({ args: ['--nats', nats.url, '--market.tickS', '3600', '--market.demandConsumer', 'worst-test', '--nats.batch', '200'] });
    const rpc = await engineRpc(web);
    try {
      const worst: [string, string | Uint8Array][] = [
        ['invalid_json', '{"id":"req-1","lat":40.7,'],
        ['oversize', JSON.stringify({ id: 'req-huge', lat: 40.7, lon: -74, ts: Date.now(), note: 'x'.repeat(200_000) })],
        ['invalid_id', '{"id":5,"lat":40.7,"lon":-74,"ts":1}'],
        ['invalid_lat', '{"id":"req-2","lat":"40.7","lon":-74,"ts":1}'],
        ['too_deep', `{"id":"req-3","lat":40.7,"lon":-74,"ts":1,"x":${'['.repeat(50)}${']'.repeat(50)}}`],
        ['empty', ''],
        ['not_object', '[1,2,3]'],
        ['invalid_json', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
      ];
      const GOOD = 3000;
      const random = seededRandom(9);
      for (let i = 0; i < GOOD; i++) {
        nc.publish('demand.w', JSON.stringify({ id: `w-${i}`, lat: 40.7 + random() * 0.05, lon: -74 + random() * 0.05, ts: Date.now() }));
        // The worst among them, spread through the stream.
        if (i % 300 === 7) for (const [, body] of worst) nc.publish('demand.w', body);
      }
      await nc.flush();
      const total = async () => (await rpc.call('market.cells', { limit: 10_000 })).cells.reduce((n, c) => n + c.demand, 0);
      await waitFor(async () => (await total()) >= GOOD, { timeoutMs: 60_000, what: `${GOOD} requests counted`, detail: () => web.proc.tail() });
      const rounds = 10;
      const expected: Record<string, number> = {};
      for (const [reason] of worst) expected[reason] = (expected[reason] ?? 0) + rounds;
      expect(await rpc.call('quarantine.counts')).toMatchObject(expected);
      const last = (await jsm.streams.info('DEMAND')).state.last_seq;
      await waitFor(
        async () => {
          const c = await jsm.consumers.info('DEMAND', 'worst-test');
          return c.num_ack_pending === 0 && c.ack_floor.stream_seq === last;
        },
        { timeoutMs: 30_000, what: `every request acked through ${last}` },
      );
      expect(await total()).toBe(GOOD);
      expect((await rpc.call('market.metrics')).demand_state).toBe('running');
    } finally {
      await rpc.close();
      await web.stop();
    }
  });

  it('keeps an install whose demand consumer acks one by one: recreated to ack ranges, it starts after what the old one acked', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.purge('DEMAND');
    const first = (await jsm.streams.info('DEMAND')).state.last_seq + 1;
    for (let i = 0; i < 300; i++) nc.publish('demand.m', JSON.stringify({ id: `m-${i}`, lat: 40.72, lon: -73.99, ts: Date.now() }));
    await nc.flush();
    // The consumer as an earlier release made it, with the first 100 requests counted and acked.
    await jsm.consumers.add('DEMAND', { durable_name: 'migrate-test', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const consumer = await jetstream(nc).consumers.get('DEMAND', 'migrate-test');
    const batch = await consumer.fetch({ max_messages: 100, expires: 5000 });
    for await (const m of batch) m.ack();
    await waitFor(async () => (await jsm.consumers.info('DEMAND', 'migrate-test')).ack_floor.stream_seq === first + 99, {
      timeoutMs: 10_000,
      what: 'the first 100 acked',
    });

    const web = await startWebMode({ args: ['--nats', nats.url, '--market.tickS', '3600', '--market.demandConsumer', 'migrate-test'] });
    const rpc = await engineRpc(web);
    try {
      const total = async () => (await rpc.call('market.cells', { limit: 10_000 })).cells.reduce((n, c) => n + c.demand, 0);
      await waitFor(async () => (await total()) >= 200, { timeoutMs: 30_000, what: 'the 200 requests not acked counted', detail: () => web.proc.tail() });
      await waitFor(
        async () => {
          const c = await jsm.consumers.info('DEMAND', 'migrate-test');
          return c.config.ack_policy === 'all' && c.num_ack_pending === 0 && c.ack_floor.stream_seq === first + 299;
        },
        { timeoutMs: 30_000, what: 'the recreated consumer acking all of them' },
      );
      expect(await total()).toBe(200);
    } finally {
      await rpc.close();
      await web.stop();
    }
  });
  it('goes on acking after requests aged out of the stream while the engine was away', async () => {
    const jsm = await jetstreamManager(nc);
    // Requests kept 3 s: the ones published while the engine is stopped are gone when it comes back.
    await jsm.streams.add({ name: 'AGED', subjects: ['aged.>'], max_age: 3_000_000_000 });
    const dir = await makeTempDir('hexwatch-market-aged-');
    const args = demandArgs('AGED');
    const publish = async (from: number, n: number) => {
      for (let i = from; i < from + n; i++) nc.publish('aged.r', JSON.stringify({ id: `a-${i}`, lat: 40.72, lon: -73.99, ts: Date.now() }));
      await nc.flush();
    };
    const acked = async () => (await jsm.consumers.info('AGED', 'aged-test')).ack_floor.stream_seq;
    try {
      let web = await startWebMode({ dataDir: dir.path, args });
      await publish(0, 50);
      await waitFor(async () => (await acked()) === 50, { timeoutMs: 30_000, what: 'the first 50 acked', detail: () => web.proc.tail() });
      await web.stop();
      await publish(50, 100);
      await waitFor(async () => (await jsm.streams.info('AGED')).state.messages === 0, { timeoutMs: 30_000, what: 'requests 51–150 aged out' });

      web = await startWebMode({ dataDir: dir.path, args });
      const rpc = await engineRpc(web);
      try {
        await publish(150, 100);
        // Counted and acked through the last: the 100 that aged out leave no hole the acks wait behind.
        await waitFor(async () => (await acked()) === 250, { timeoutMs: 30_000, what: 'requests 151–250 acked', detail: () => web.proc.tail() });
        const c = await jsm.consumers.info('AGED', 'aged-test');
        expect(c.num_ack_pending).toBe(0);
      } finally {
        await rpc.close();
        await web.stop();
      }
    } finally {
      await dir.remove();
    }
  });

  it('goes on acking past requests deleted from the middle of the stream before it read them', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'HOLED', subjects: ['holed.>'] });
    for (let i = 0; i < 300; i++) nc.publish('holed.r', JSON.stringify({ id: `h-${i}`, lat: 40.72, lon: -73.99, ts: Date.now() }));
    await nc.flush();
    // An operator's `nats stream rmm`, or a per-subject limit: sequences 40, 41 and 200 are gone.
    for (const seq of [40, 41, 200]) await jsm.streams.deleteMessage('HOLED', seq, false);
    const args = demandArgs('HOLED');
    const web = await startWebMode({ args });
    const rpc = await engineRpc(web);
    try {
      const total = async () => (await rpc.call('market.cells', { limit: 10_000 })).cells.reduce((n, c) => n + c.demand, 0);
      await waitFor(async () => (await total()) === 297, { timeoutMs: 30_000, what: 'the 297 requests left counted', detail: () => web.proc.tail() });
      let seen = '';
      await waitFor(
        async () => {
          const c = await jsm.consumers.info('HOLED', 'holed-test');
          seen = `ack floor ${c.ack_floor.stream_seq}, ${c.num_ack_pending} unacked`;
          return c.ack_floor.stream_seq === 300 && c.num_ack_pending === 0;
        },
        { timeoutMs: 30_000, what: 'every request acked, past the holes', detail: () => seen },
      );
      // More requests after the holes are acked too, and none is counted twice.
      for (let i = 300; i < 400; i++) nc.publish('holed.r', JSON.stringify({ id: `h-${i}`, lat: 40.72, lon: -73.99, ts: Date.now() }));
      await nc.flush();
      await waitFor(async () => (await jsm.consumers.info('HOLED', 'holed-test')).ack_floor.stream_seq === 400, {
        timeoutMs: 30_000,
        what: 'requests 301–400 acked',
      });
      expect(await total()).toBe(397);
    } finally {
      await rpc.close();
      await web.stop();
    }
  });
});

describe('hexwatch simulate --demand', () => {
  it('publishes ride requests beside the fixes, and the engine counts every one of them', async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.purge('DEMAND');
    const dir = await makeTempDir('hexwatch-sim-demand-');
    const run = await runToExit(
      process.execPath,
      [hexwatchBin, 'simulate', '--nats', nats.url, '--demand', '--count', '3000', '--rate', '3000', '--simulator.demandPerSec', '800', '--data-dir', dir.path],
      { cwd: repoRoot, env: engineEnv(), timeoutMs: 60_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const requests = Number(/published 3000 fixes and (\d+) requests/.exec(run.stdout)?.[1]);
    expect(requests).toBeGreaterThan(400);
    expect((await jsm.streams.info('DEMAND')).state.messages).toBe(requests);
    const web = await startWebMode({ dataDir: dir.path, args: ['--nats', nats.url, '--market.tickS', '3600', '--market.demandConsumer', 'sim-test'] });
    const rpc = await engineRpc(web);
    try {
      await waitFor(async () => (await rpc.call('market.cells', { limit: 10_000 })).cells.reduce((n, c) => n + c.demand, 0) === requests, {
        timeoutMs: 30_000,
        what: `${requests} requests counted`,
      });
    } finally {
      await rpc.close();
      await web.stop();
    }
  });
});

describe('surge alerts', () => {
  it('go out on market.changed and, as events of the fence "surge", to the targets that want them', async () => {
    const receiver = await startWebhookReceiver();
    const dir = await makeTempDir('hexwatch-surge-alerts-');
    const engine = await startEngine({
      argv: ['--data-dir', dir.path, '--market.tickS', '1', '--simulator.demandPerSec', '150', '--market.alertTargets', 'surge-hook', ...NO_DEMO],
      env: { HEXWATCH_SECRET_ALERTS: TEST_SECRET },
      log: () => {},
    });
    const client = engine.connect();
    const changes: { crossings: { hex: string; rising: boolean; surge: number }[] }[] = [];
    client.onEvent((channel, payload) => channel === 'market.changed' && changes.push(payload as (typeof changes)[number]));
    try {
      await client.call('deliveries.saveTarget', { id: 'surge-hook', kind: 'webhook', url: receiver.url, secretRef: 'alerts', timeoutMs: 2000 });
      await waitFor(() => receiver.delivered().some((r) => r.event.fence_id === 'surge'), { timeoutMs: 30_000, what: 'a surge alert delivered' });
      const alert = receiver.delivered().find((r) => r.event.fence_id === 'surge')!;
      expect(alert.verified).toBe(true);
      expect(alert.event.event_type).toBe('enter');
      expect(alert.event.device_id).toMatch(/^88[0-9a-f]{13}$/); // the cell, at the market's resolution
      const rising = changes.flatMap((c) => c.crossings).filter((c) => c.rising && c.hex === alert.event.device_id);
      expect(rising.length).toBeGreaterThan(0);
      expect(rising[0]!.surge).toBeGreaterThanOrEqual(1.5);
    } finally {
      client.close();
      await engine.stop();
      await receiver.close();
      await dir.remove();
    }
  });
});
