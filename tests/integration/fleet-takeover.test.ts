// Three engines share one fleet (8 partitions pinned by JetStream, the embedded fence engine, the fleet's fences in
// NATS) while 2,000 devices cross fences. One engine is SIGKILLed mid-stream and started again as a supervisor would;
// on a 3-node JetStream cluster (R3 streams) a NATS node is then SIGKILLed and another put into lame duck mode.
// Every device's fence events, as a webhook receiver gets them (each webhook-id once), equal one engine's answer
// over the same positions — no second enter, no lost exit across a takeover — every position is committed and is in
// the fleet's shared archive (archive.sharedDir), each stream sequence once as notebooks read it, and no partition
// stays unowned past the pin timeout + 5 s.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, expect, it } from 'vitest';
import type { Fix } from '../../main/fences';
import {
  deliveredOnce,
  differingPairs,
  eventsByPairInTime,
  fleetFenceScenario,
  ownedPartitions,
  saveFleetFences,
  makeTempDir,
  partitionsAcked,
  readHistoryElsewhere,
  sharedArchiveSequences,
  startFleetEngine,
  startNats,
  startNatsCluster,
  startWebhookReceiver,
  waitFor,
  type FleetEngine,
  type FleetOptions,
  type NatsNode,
} from '../helpers';

const PARTITIONS = 8;
const PIN_TIMEOUT_S = 4;
const DEVICES = 2000;
const STEPS = 16;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

/** Samples who owns each partition; the longest time any partition had no live owner once every one had had one. */
function watchUnowned(engines: () => FleetEngine[]) {
  let stopped = false;
  let longestMs = 0;
  const since = new Map<number, number>();
  let started = false;
  const done = (async () => {
    while (!stopped) {
      const owned = new Set((await ownedPartitions(engines())).flat());
      const now = Date.now();
      if (owned.size === PARTITIONS) started = true;
      for (let p = 0; started && p < PARTITIONS; p++) {
        if (owned.has(p)) since.delete(p);
        else if (!since.has(p)) since.set(p, now);
        else longestMs = Math.max(longestMs, now - since.get(p)!);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
      return longestMs / 1000;
    },
  };
}

interface Run {
  /** Seeds for the three engines (each its own node on a cluster). */
  seeds: string[];
  args?: string[];
  /** Seconds an engine may take to reach another server when its own goes (added to the unowned bound). */
  reconnectS?: number;
  /** What happens to the NATS servers after the engine's takeover, between quarters of the stream. */
  serverTroubles?: ((publishQuarter: () => Promise<void>) => Promise<void>)[];
}

async function run(nc: NatsConnection, stream: string, prefix: string, o: Run): Promise<void> {
  const receiver = await startWebhookReceiver();
  cleanups.push(() => receiver.close());
  const shared = await makeTempDir('hexwatch-fleet-shared-');
  cleanups.push(() => shared.remove());
  const fleet = (i: number): FleetOptions => ({
    nats: { url: o.seeds[i] },
    stream,
    prefix,
    partitions: PARTITIONS,
    pinTimeoutS: PIN_TIMEOUT_S,
    receiver,
    args: [
      ...['--nats.batch', '500', '--fences.checkpointS', '1', '--queue.backoffS', '1'],
      // The scenario's hour ended long ago: its positions roll into parts and go to the shared folder within seconds
      // (no faster: each roll and put is DuckDB work on engines that must also keep their pins on a loaded machine).
      ...['--archive.sharedDir', shared.path, '--archive.s3IntervalS', '2', '--history.rollIntervalS', '5'],
      ...(o.args ?? []),
    ],
  });
  const scenario = fleetFenceScenario({ devices: DEVICES, fixesPerDevice: STEPS, seed: 27 });
  const { reference } = scenario;

  const engines: FleetEngine[] = [];
  cleanups.push(async () => {
    for (const e of engines) await e.web.stop().catch(() => undefined);
  });
  for (const [i, name] of ['a', 'b', 'c'].entries()) engines.push(await startFleetEngine(fleet(i), name));
  await saveFleetFences(engines, scenario.fences);

  const perQuarter = scenario.fixes.length / 4;
  let quarter = 0;
  const publishQuarter = async () => {
    // Step by step, as devices report: the stream is still flowing when something fails.
    const fixes: readonly Fix[] = scenario.fixes.slice(quarter * perQuarter, ++quarter * perQuarter);
    for (let i = 0; i < fixes.length; i += DEVICES) await Promise.all(fixes.slice(i, i + DEVICES).map(publishAcked));
  };
  // Published with JetStream's ack (and its id, so a retry through a failover is stored once): the reference holds every fix.
  const js = jetstream(nc);
  const publishAcked = async (f: Fix) => {
    const body = JSON.stringify({ id: f.id, lat: f.lat, lon: f.lon, ts: f.ts });
    for (let attempt = 0; ; attempt++) {
      try {
        return await js.publish(`${prefix}.${f.id}`, body, { msgID: `${f.id}@${f.ts}`, timeout: 5000 });
      } catch (err) {
        if (attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };
  let live = engines;
  const unowned = watchUnowned(() => live);
  // A partition is pinned with its first delivery: the first quarter flows, and with it every partition finds its engine.
  await publishQuarter();
  await waitFor(async () => (await ownedPartitions(engines)).flat().length === PARTITIONS, { timeoutMs: 30_000, what: 'all 8 partitions owned' });
  // Mid-stream: the engine owning most partitions dies without a word, while the next quarter is published.
  const shares = await ownedPartitions(engines);
  const victimAt = shares.indexOf(shares.reduce((a, b) => (b.length > a.length ? b : a)));
  const victim = engines[victimAt];
  const publishing = publishQuarter();
  victim.web.proc.child.kill('SIGKILL');
  await victim.web.proc.exited;
  await victim.rpc.close().catch(() => undefined);
  live = engines.filter((e) => e !== victim);
  await publishing;
  await waitFor(async () => (await ownedPartitions(live)).flat().length === PARTITIONS, {
    timeoutMs: (PIN_TIMEOUT_S + 5) * 1000,
    what: 'the survivors owning all 8 partitions',
    detail: () => live.map((e) => e.web.proc.tail()).join('\n'),
  });
  // Its supervisor starts it again on the same data dir: what its queue still held goes out.
  engines[victimAt] = await startFleetEngine(fleet(victimAt), victim.name, victim.dir);
  live = engines;
  for (const trouble of o.serverTroubles ?? []) await trouble(publishQuarter);
  while (quarter < 4) await publishQuarter();

  await partitionsAcked(nc, stream, PARTITIONS, 90_000);
  const longestUnownedS = await unowned.stop();
  let got = new Map<string, string[]>();
  await waitFor(() => differingPairs((got = eventsByPairInTime(deliveredOnce(receiver).events)), reference).length === 0, {
    timeoutMs: 60_000,
    what: 'the receiver holding one engine’s events',
    detail: () =>
      `${JSON.stringify(differingPairs(got, reference))}\n${engines
        .flatMap((e) =>
          e.web.proc
            .tail(100_000)
            .split('\n')
            .filter((l) => /fence state|partition \d+ (gained|lost)/.test(l))
            .map((l) => `${e.name}: ${l}`),
        )
        .join('\n')}`,
  });
  const { events, repeatedIds, underTwoIds } = deliveredOnce(receiver);

  // The shared archive: every sequence of the stream, counted once (parts of two engines may both hold one until its owner compacts).
  const stored = (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
  let archived = { rows: 0, distinct: 0, lowest: 0, highest: 0 };
  await waitFor(
    async () => {
      archived = await sharedArchiveSequences(shared.path).catch(() => archived);
      return archived.distinct === stored && archived.lowest === 1 && archived.highest === stored;
    },
    { timeoutMs: 60_000, what: 'every position in the shared archive', detail: () => JSON.stringify(archived) },
  );

  // Positions: every sequence committed by some engine (one that died may have committed some it never acked).
  const committed = new Uint8Array(stored + 1);
  const takenAgain = engines.flatMap((e) => e.web.proc.tail(100_000).split('\n')).filter((l) => l.includes('taken over again')).length;
  for (const e of engines) {
    await e.rpc.close();
    await e.web.proc.stop();
    for (const r of readHistoryElsewhere(e.dir.path).rows) committed[r.seq]++;
    await e.dir.remove();
  }
  const missing = committed.slice(1).filter((n) => n === 0).length;
  const twice = committed.slice(1).filter((n) => n > 1).length;
  console.log(
    `${stream}: ${stored} positions (${twice} committed twice, ${missing} missing; shared archive ${archived.distinct} sequences once in ${archived.rows} rows), ${events.length} events (${repeatedIds} webhook-ids again, ${underTwoIds} under two ids), longest unowned ${longestUnownedS.toFixed(1)} s, ${takenAgain} partitions taken over again`,
  );
  expect(stored).toBe(scenario.fixes.length);
  expect(missing).toBe(0);
  expect(archived).toMatchObject({ distinct: stored, lowest: 1, highest: stored });
  expect(underTwoIds).toBe(0);
  expect(events.length).toBe([...reference.values()].flat().length);
  expect(longestUnownedS).toBeLessThanOrEqual(PIN_TIMEOUT_S + 5 + (o.reconnectS ?? 0));
}

it('one nats-server: an engine SIGKILLed mid-stream, its partitions and fence state taken over exactly', async () => {
  const nats = await startNats();
  cleanups.push(() => nats.stop());
  const nc = await connect({ servers: nats.url });
  cleanups.push(() => nc.close());
  await run(nc, 'FLEET_T', 't', { seeds: [nats.url, nats.url, nats.url] });
}, 240_000);

// Pins flap while a NATS node is gone: an engine that finds its partition's checkpoint written by another while JetStream
// still pins the partition to it takes the partition over again (fence-handover.ts), so no event is lost.
it('a 3-node JetStream cluster (R3): an engine SIGKILLed, then a NATS node SIGKILLed, then another in lame duck mode', async () => {
  const cluster = await startNatsCluster({ size: 3 });
  cleanups.push(() => cluster.stop());
  const nc = await connect({ servers: cluster.urls });
  cleanups.push(() => nc.close());
  const down = async (node: NatsNode, how: 'SIGKILL' | 'SIGUSR2') => {
    node.proc.child.kill(how);
    await node.proc.exited;
  };
  await run(nc, 'FLEET_R3', 'r', {
    seeds: cluster.urls,
    args: ['--nats.streamReplicas', '3'],
    // An engine whose server went reaches another within ~10 s (nats-cluster.test.ts): its partitions wait that long.
    reconnectS: 10,
    serverTroubles: [
      async (publishQuarter) => {
        const publishing = publishQuarter();
        await down(cluster.nodes[1], 'SIGKILL');
        await publishing;
        await cluster.nodes[1].restart();
      },
      async (publishQuarter) => {
        const publishing = publishQuarter();
        // SIGUSR2: lame duck mode — the server tells its clients to go, then closes them and exits.
        await down(cluster.nodes[2], 'SIGUSR2');
        await publishing;
        await cluster.nodes[2].restart();
      },
    ],
  });
}, 300_000);
