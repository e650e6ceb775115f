// Fences through a running engine on the simulator: saved over RPC, deciding events from the live
// positions, delivering them to a target and the live feed; the same with Tile38 deciding.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FenceInput } from '../../shared/fence';
import type { FenceEvent } from '../../shared/fence-event';
import type { RpcError } from '../../shared/rpc';
import { type PayloadOf } from '../../shared/rpc';
import { startEngine, type Engine, type EngineClient } from '../../main';
import { DeliveryQueue } from '../../main/deliveries';
import {
  engineEnv,
  makeTempDir,
  NO_DEMO,
  type RunningServer,
  startNats,
  startTile38,
  startWebhookReceiver,
  type TempDir,
  TEST_SECRET,
  tile38ServerPath,
  typedCall,
  waitFor,
  type WebhookReceiver,
} from '../helpers';

let dir: TempDir;
let engine: Engine | undefined;
let client: EngineClient;
let receiver: WebhookReceiver | undefined;
let tile38: RunningServer | undefined;
let nats: RunningServer | undefined;
const feed: PayloadOf<'fences.event'>[] = [];
beforeEach(async () => {
  dir = await makeTempDir('hexwatch-fences-');
  feed.length = 0;
});
afterEach(async () => {
  client?.close();
  await engine?.stop();
  await receiver?.close();
  await tile38?.stop();
  await nats?.stop();
  engine = receiver = tile38 = nats = undefined;
  await dir.remove();
});

async function start(extra: string[] = []): Promise<void> {
  // 300 walkers within 2 km of Times Square, a fix each per 100 ms.
  engine = await startEngine({
    argv: ['--data-dir', dir.path, '--source', 'simulator', '--devices', '300', '--rate', '3000', '--simulator.radiusKm', '2', ...NO_DEMO, ...extra],
    env: engineEnv({ HEXWATCH_SECRET_RECEIVER: TEST_SECRET }),
    log: () => {},
  });
  client = engine.connect();
  client.onEvent((channel, payload) => channel === 'fences.event' && feed.push(payload as PayloadOf<'fences.event'>));
}
const call = typedCall((method, params) => client.call(method, params));
const circle = (id: string, radius_m: number, targets: string[] = []): FenceInput => ({
  id,
  name: id,
  geometry: { type: 'Circle', center: [-73.9851, 40.7589], radius_m },
  detect: ['enter', 'exit'],
  targets,
});

describe('fences in the embedded engine', () => {
  it('are saved over RPC, fire on live positions, reach their target signed and the live feed; deleting one exits the devices inside', async () => {
    await start();
    receiver = await startWebhookReceiver();
    const bowtie: FenceInput = {
      ...circle('bow', 1),
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [2, 2],
            [2, 0],
            [0, 2],
            [0, 0],
          ],
        ],
      },
    };
    const refused = await call('fences.save', { fence: bowtie }).catch((e: RpcError) => e);
    expect(refused).toMatchObject({
      code: 'invalid_params',
      issues: [{ path: 'fence.geometry.coordinates.0', message: 'ring intersects itself: edges 1 and 3 meet near [1, 1]' }],
    });

    await call('deliveries.saveTarget', { id: 'receiver', kind: 'webhook', url: receiver.url, secretRef: 'receiver' });
    expect(await call('fences.save', { fence: circle('midtown', 1500, ['receiver']) })).toMatchObject({ id: 'midtown', version: 1 });
    expect(await call('fences.status')).toMatchObject({ engine: 'embedded', fences: 1 });

    await waitFor(() => receiver!.delivered().length >= 20, { timeoutMs: 30_000, what: '20 enter events at the receiver' });
    const delivered = receiver.delivered().map((r) => r.event as unknown as FenceEvent);
    expect(receiver.requests.every((r) => r.verified)).toBe(true);
    expect(new Set(delivered.map((e) => `${e.fence_id}/${(e as FenceEvent).source}`))).toEqual(new Set(['midtown/embedded']));
    expect(delivered.filter((e) => e.event_type === 'enter').length).toBeGreaterThan(0);
    await waitFor(() => feed.length >= 20, { timeoutMs: 10_000, what: 'the live feed' });

    expect(await call('fences.remove', { id: 'midtown' })).toEqual({ removed: true });
    // Once the feed has caught up, nobody is left inside the deleted fence: each device's last word is exit.
    const stillInside = () => {
      const last = new Map<string, string>();
      for (const f of feed) last.set(f.event.device_id, f.event.event_type);
      return [...last].filter(([, type]) => type !== 'exit');
    };
    await waitFor(() => stillInside().length === 0, {
      timeoutMs: 10_000,
      what: 'a synthetic exit for every device inside',
      detail: () => JSON.stringify(stillInside().slice(0, 5)),
    });
    expect(await call('fences.status')).toMatchObject({ engine: 'embedded', fences: 0 });
    // Without an archive a backtest has nothing to replay, and says so with zeros.
    expect(await call('fences.backtest', { fence: circle('draft', 500) })).toMatchObject({ positions: 0, events: 0, first: [] });
  }, 90_000);
});

describe('fences on NATS positions', () => {
  it('decide events from committed positions and store the stream mark with them, before the acks', async () => {
    nats = await startNats();
    engine = await startEngine({ argv: ['--data-dir', dir.path, '--nats', nats.url], env: engineEnv(), log: () => {} });
    client = engine.connect();
    client.onEvent((channel, payload) => channel === 'fences.event' && feed.push(payload as PayloadOf<'fences.event'>));
    await call('fences.save', { fence: circle('midtown', 500) });
    await waitFor(() => engine!.status().sourceState === 'running', { timeoutMs: 20_000, what: 'the NATS source running' });
    // The About box names the server ingest reads, by its own INFO.
    expect((await call('status.about')).nats).toEqual({ url: nats.url, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    const nc = await connect({ servers: nats.url });
    const js = jetstream(nc);
    // 40 devices, 25 fixes each: the even ones walk into the fence, the odd ones stay 5 km away.
    let seq = 0;
    for (let step = 0; step < 25; step++) {
      for (let d = 0; d < 40; d++) {
        const lat = d % 2 ? 40.8 : 40.7589 + (0.02 * (24 - step)) / 24;
        const ack = await js.publish(`pos.walkers`, JSON.stringify({ id: `dev-${d}`, lat, lon: -73.9851, ts: Date.UTC(2026, 0, 5) + step * 1000 + d }));
        seq = ack.seq;
      }
    }
    await nc.close();
    const markOf = () => {
      const q = DeliveryQueue.open(join(dir.path, 'queue.sqlite'));
      try {
        return q.highWater('POSITIONS');
      } finally {
        q.close();
      }
    };
    await waitFor(() => markOf() === seq, { timeoutMs: 30_000, what: `the mark at ${seq}`, detail: () => `at ${markOf()}` });
    await waitFor(() => new Set(feed.filter((f) => f.event.event_type === 'enter').map((f) => f.event.device_id)).size === 20, {
      timeoutMs: 10_000,
      what: '20 devices entering',
    });
    expect(new Set(feed.map((f) => Number(f.event.device_id.slice(4)) % 2))).toEqual(new Set([0]));
  }, 60_000);
});

describe.skipIf(!tile38ServerPath())('fences in Tile38', () => {
  it('are deployed to Tile38, whose events reach the live feed marked as from Tile38', async () => {
    tile38 = await startTile38();
    await start(['--tile38.host', '127.0.0.1', '--tile38.port', String(tile38.port)]);
    await call('fences.save', { fence: circle('midtown', 1500) });
    await waitFor(async () => (await call('fences.status')).deploy?.midtown?.state === 'deployed', {
      timeoutMs: 10_000,
      what: 'the fence deployed',
    });
    expect(await call('fences.status')).toMatchObject({
      engine: 'tile38',
      connection: 'connected',
      fences: 1,
      serverVersion: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
    await waitFor(() => feed.filter((f) => f.event.event_type === 'enter').length >= 10, { timeoutMs: 30_000, what: 'enter events from Tile38' });
    expect(new Set(feed.map((f) => f.event.source))).toEqual(new Set(['tile38']));
  }, 60_000);

  it('in hook mode, Tile38 publishes into JetStream and the events are read back from the stream', async () => {
    nats = await startNats();
    tile38 = await startTile38();
    await start(['--tile38.host', '127.0.0.1', '--tile38.port', String(tile38.port), '--tile38.mode', 'hook', '--nats.servers', nats.url]);
    await call('fences.save', { fence: circle('midtown', 1500) });
    await waitFor(async () => (await call('fences.status')).deploy?.midtown?.state === 'deployed', {
      timeoutMs: 10_000,
      what: 'the hook deployed',
    });
    await waitFor(() => feed.filter((f) => f.event.event_type === 'enter').length >= 10, { timeoutMs: 30_000, what: 'enter events through JetStream' });
    expect(new Set(feed.map((f) => `${f.event.fence_id}/${f.event.source}`))).toEqual(new Set(['midtown/tile38']));
    const nc = await connect({ servers: nats.url });
    const info = await (await jetstreamManager(nc)).streams.info('FENCE_EVENTS');
    await nc.close();
    expect(info.state.messages).toBeGreaterThanOrEqual(10);
  }, 60_000);
});
