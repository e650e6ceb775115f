/**
 * npm run bench -- scale [--positions N] [--kills K]
 * Several engines, one fleet (8 partitions pinned by JetStream, nats-server 2.11+), in the same run:
 * (1) throughput with 1, 2 and 3 engines: N positions of 2,000 devices already in a stream with the partition
 *     transform, engines started together, timed from the last one running to every position committed
 *     (their `status.get` summed), beside one engine on one consumer without partitions (the baseline). Two cores
 *     here: expect no gain from CPU, only the per-engine overhead.
 * (2) takeover: two engines (then the killed one back, as a supervisor restarts it) under a steady stream of
 *     devices crossing fences, K SIGKILLs of the engine owning most partitions; the stall is the time from the
 *     kill to the survivors owning every partition (p50, p99). Afterwards the webhook receiver's events (each
 *     webhook-id once) are compared per device with one FenceEngine over the same positions, events that came
 *     under two different ids are counted (a receiver could not drop those), and so are positions no engine committed.
 * Writes bench/results/scale.json.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { partitionTransform } from '../main/config';
import type { Fix } from '../main/fences';
import { Simulator } from '../main/simulator';
import {
  deliveredOnce,
  differingPairs,
  eventsByPairInTime,
  fleetFenceScenario,
  ownedPartitions,
  saveFleetFences,
  partitionsAcked,
  readHistoryElsewhere,
  startFleetEngine,
  startNats,
  startWebhookReceiver,
  waitFor,
  type FleetEngine,
  type FleetOptions,
  type RunningServer,
} from '../tests/helpers';
import { runBench, writeResult } from './results';
import { median, percentile, round } from './stats';

const argOf = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const POSITIONS = argOf('--positions', 300_000);
const KILLS = argOf('--kills', 5);
const PARTITIONS = 8;
const PIN_TIMEOUT_S = 4;
const log = (s: string) => process.stdout.write(`${s}\n`);

/** N positions of 2,000 devices in a stream made with the partition transform, each on its device's subject. */
async function fillStream(nc: NatsConnection, stream: string, prefix: string, partitions: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: stream,
    subjects: [`${prefix}.>`],
    ...(partitions > 0 ? { subject_transform: partitionTransform(prefix, partitions) } : {}),
  });
  const sim = new Simulator({ devices: 2000, ratePerSec: 1, center: [-73.9851, 40.7589], radiusKm: 5, speedMps: 9, fleet: 'scale', seed: 3 });
  for (let sent = 0; sent < POSITIONS;) {
    const n = Math.min(10_000, POSITIONS - sent);
    for (const p of sim.take(n, Date.now())) nc.publish(`${prefix}.${p.id}`, JSON.stringify(p));
    await nc.flush();
    sent += n;
  }
  await waitFor(async () => (await jsm.streams.info(stream)).state.messages === POSITIONS, { timeoutMs: 120_000, what: `${POSITIONS} stored` });
}

/** Positions/s of `engines` engines over N positions; `partitions` 0 is one engine on one consumer, the baseline. */
async function throughput(nats: RunningServer, nc: NatsConnection, engines: number, partitions = PARTITIONS): Promise<number> {
  const stream = `SCALE_${engines}_${partitions}`;
  const prefix = `s${engines}p${partitions}`;
  await fillStream(nc, stream, prefix, partitions);
  const fleet: FleetOptions = { nats, stream, prefix, partitions, pinTimeoutS: PIN_TIMEOUT_S, args: ['--history.rollIntervalS', '3600'] };
  const started = await Promise.all(Array.from({ length: engines }, (_, i) => startFleetEngine(fleet, `t${engines}-${i}`)));
  const t0 = performance.now();
  const committed = async () =>
    (await Promise.all(started.map(async (e) => (await e.rpc.call('status.get')).ingest?.committed ?? 0))).reduce((a, b) => a + b, 0);
  await waitFor(async () => (await committed()) >= POSITIONS, { timeoutMs: 600_000, intervalMs: 50, what: `${POSITIONS} committed by ${engines}` });
  const perS = POSITIONS / ((performance.now() - t0) / 1000);
  await stopAll(started);
  return Math.round(perS);
}

async function stopAll(engines: readonly FleetEngine[]): Promise<void> {
  for (const e of engines) {
    await e.rpc.close().catch(() => undefined);
    await e.web.proc.stop();
  }
}

async function takeovers(nats: RunningServer, nc: NatsConnection) {
  const receiver = await startWebhookReceiver();
  const fleet: FleetOptions = {
    nats,
    stream: 'SCALE_KILLS',
    prefix: 'k',
    partitions: PARTITIONS,
    pinTimeoutS: PIN_TIMEOUT_S,
    receiver,
    args: ['--nats.batch', '500', '--fences.checkpointS', '1', '--queue.backoffS', '1'],
  };
  const steps = 4 * (KILLS + 1);
  const scenario = fleetFenceScenario({ devices: 2000, fixesPerDevice: steps, seed: 28 });
  const { reference } = scenario;
  const engines = [await startFleetEngine(fleet, 'k0'), await startFleetEngine(fleet, 'k1')];
  await saveFleetFences(engines, scenario.fences);
  const publish = async (fixes: readonly Fix[]) => {
    for (const f of fixes) nc.publish(`k.${f.id}`, JSON.stringify({ id: f.id, lat: f.lat, lon: f.lon, ts: f.ts }));
    await nc.flush();
  };
  const perStep = scenario.fixes.length / steps;
  const stalls: number[] = [];
  let step = 0;
  const publishSteps = (n: number) => publish(scenario.fixes.slice(step * perStep, (step += n) * perStep));
  for (let kill = 0; kill < KILLS; kill++) {
    // A partition is pinned with its first delivery: positions flow first.
    await publishSteps(2);
    await waitFor(async () => (await ownedPartitions(engines)).flat().length === PARTITIONS, { timeoutMs: 30_000, what: 'every partition owned' });
    const shares = await ownedPartitions(engines);
    const at = shares.indexOf(shares.reduce((a, b) => (b.length > a.length ? b : a)));
    const victim = engines[at];
    victim.web.proc.child.kill('SIGKILL');
    await victim.web.proc.exited;
    await victim.rpc.close().catch(() => undefined);
    const killedAt = performance.now();
    const survivors = engines.filter((e) => e !== victim);
    await publishSteps(2);
    await waitFor(async () => (await ownedPartitions(survivors)).flat().length === PARTITIONS, {
      timeoutMs: 60_000,
      intervalMs: 50,
      what: 'the survivor owning every partition',
    });
    stalls.push((performance.now() - killedAt) / 1000);
    log(`kill ${kill + 1}: partitions back in ${stalls.at(-1)!.toFixed(2)} s`);
    engines[at] = await startFleetEngine(fleet, victim.name, victim.dir);
  }
  await publishSteps(steps - step);
  await partitionsAcked(nc, fleet.stream, PARTITIONS, 120_000);
  // The receiver settles once every queue has delivered (or nothing more comes for a while).
  let last = -1;
  await waitFor(
    () => {
      const n = receiver.delivered().length;
      const settled = n === last && differingPairs(eventsByPairInTime(deliveredOnce(receiver).events), reference).length === 0;
      last = n;
      return settled;
    },
    { timeoutMs: 90_000, intervalMs: 2000, what: 'deliveries settled' },
  ).catch(() => undefined);
  const { events, repeatedIds, underTwoIds } = deliveredOnce(receiver);
  const equal = differingPairs(eventsByPairInTime(events), reference).length === 0;
  const stored = (await (await jetstreamManager(nc)).streams.info(fleet.stream)).state.messages;
  const committed = new Uint8Array(stored + 1);
  await stopAll(engines);
  for (const e of engines) for (const r of readHistoryElsewhere(e.dir.path).rows) committed[r.seq]++;
  await receiver.close();
  return {
    stalls,
    equal,
    events: events.length,
    repeatedIds,
    underTwoIds,
    lost: committed.slice(1).filter((n) => n === 0).length,
    committedTwice: committed.slice(1).filter((n) => n > 1).length,
  };
}

runBench(async () => {
  const nats = await startNats();
  const nc = await connect({ servers: nats.url });
  try {
    const unpartitioned = await throughput(nats, nc, 1, 0);
    log(`1 engine, one consumer: ${unpartitioned} positions/s`);
    const perS: number[] = [];
    for (const n of [1, 2, 3]) {
      perS.push(await throughput(nats, nc, n));
      log(`${n} engine(s): ${perS.at(-1)} positions/s`);
    }
    const t = await takeovers(nats, nc);
    const path = writeResult('scale', {
      machine_cores: (await import('node:os')).cpus().length,
      positions: POSITIONS,
      partitions: PARTITIONS,
      pin_timeout_s: PIN_TIMEOUT_S,
      engines: [1, 2, 3],
      per_s: perS,
      // One engine on one consumer (no partitions) over the same positions: the baseline.
      unpartitioned_per_s: unpartitioned,
      partitioned_vs_unpartitioned: round(perS[0] / unpartitioned, 3),
      // Each engine's share of one engine's rate: the cost of another engine on the same cores.
      per_engine_ratio: perS.map((p, i) => round(p / (i + 1) / perS[0], 3)),
      kills: t.stalls.length,
      takeover_stall_s_p50: round(median(t.stalls)),
      takeover_stall_s_p99: round(percentile(t.stalls, 99)),
      takeover_stalls_s: t.stalls.map((s) => round(s)),
      fence_events: t.events,
      // Events a receiver got under two different webhook-ids: it could not drop them.
      delivered_duplicates: t.underTwoIds,
      // The same webhook-id sent again (an engine's repeat across a takeover): a receiver drops them by id.
      repeated_webhook_ids: t.repeatedIds,
      positions_lost: t.lost,
      positions_committed_twice: t.committedTwice,
      fence_sequences_equal: t.equal,
    });
    log(`wrote ${path}`);
  } finally {
    await nc.close();
    await nats.stop();
  }
});
