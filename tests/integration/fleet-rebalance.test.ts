// A fourth engine joins a settled fleet of three mid-stream (8 partitions pinned by JetStream, nats-server 2.11+). The
// pin timeout outlasts the test and no engine stops or dies, so no pin can expire: every move is an engine giving a
// partition away, and that is the only way the fourth gets its share. Each engine's local history holds the stream
// sequences it committed: none is committed by two engines, every one is committed once, and each partition's
// sequences, in stream order, pass from engine to engine in stretches — an engine that handed a partition on never
// commits it again, as it would if two engines read it at the same time.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterEach, expect, it } from 'vitest';
import { partitionOf } from '../../shared/partition';
import {
  partitionsAcked,
  readHistoryElsewhere,
  settledStreamCount,
  startFleetEngine,
  startNats,
  SteadyPublisher,
  waitFor,
  type FleetEngine,
  type HistoryRow,
  type FleetOptions,
} from '../helpers';

const PARTITIONS = 8;
// Longer than the whole test: a partition that moves was given away, never taken after its pin expired.
const PIN_TIMEOUT_S = 600;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

interface Stretch {
  engine: string;
  first: number;
  last: number;
}

/** Each partition's sequences in stream order, as stretches of one engine each: `a 1..5210` then `d 5217..9803`. */
function stretchesOf(committed: ReadonlyMap<string, readonly HistoryRow[]>): Stretch[][] {
  const rows = [...committed].flatMap(([engine, list]) => list.map((r) => ({ engine, seq: r.seq, partition: partitionOf(r.device_id, PARTITIONS) })));
  rows.sort((x, y) => x.seq - y.seq);
  const out: Stretch[][] = Array.from({ length: PARTITIONS }, () => []);
  for (const r of rows) {
    const runs = out[r.partition];
    const open = runs.at(-1);
    if (open?.engine === r.engine) open.last = r.seq;
    else runs.push({ engine: r.engine, first: r.seq, last: r.seq });
  }
  return out;
}

const describeStretches = (runs: Stretch[]) => runs.map((s) => `${s.engine} ${s.first}..${s.last}`).join(' → ');

it('a fourth engine started mid-stream gets partitions only as the others give them away, and no position is committed twice', async () => {
  const nats = await startNats();
  cleanups.push(() => nats.stop());
  const nc: NatsConnection = await connect({ servers: nats.url });
  cleanups.push(() => nc.close());
  const fleet: FleetOptions = {
    nats: { url: nats.url },
    stream: 'FLEET_J',
    prefix: 'j',
    partitions: PARTITIONS,
    pinTimeoutS: PIN_TIMEOUT_S,
    args: ['--nats.batch', '500'],
  };
  const engines: FleetEngine[] = [];
  cleanups.push(async () => {
    for (const e of engines) await e.web.stop().catch(() => undefined);
  });
  for (const name of ['a', 'b', 'c']) engines.push(await startFleetEngine(fleet, name));

  // What each engine says (partitions owned, committed, its source), sampled by every wait; with its log of pins and fence state.
  let said: Record<string, unknown> = {};
  let owners: Record<string, number[]> = {};
  const sample = async () => {
    const statuses = await Promise.all(engines.map((e) => e.rpc.call('status.get').catch((err: Error) => err.message)));
    said = Object.fromEntries(statuses.map((st, i) => [engines[i].name, typeof st === 'string' ? st : { source: st.sourceState, ingest: st.ingest }]));
    owners = Object.fromEntries(statuses.map((st, i) => [engines[i].name, typeof st === 'string' ? [] : (st.ingest?.partitions?.owned ?? [])]));
    return owners;
  };
  const detail = () =>
    [
      JSON.stringify(said),
      ...engines.flatMap((e) =>
        e.web.proc
          .tail(100_000)
          .split('\n')
          .filter((l) => /nats:|ingest|fence state|error|fail/i.test(l))
          .map((l) => `${e.name}: ${l}`),
      ),
    ].join('\n');
  const eachOnce = (owned: number[]) => owned.length === PARTITIONS && new Set(owned).size === PARTITIONS;

  // 500 devices reporting in turn on j.<device>: every partition gets a steady share of the stream.
  const pub = new SteadyPublisher({ nc, subject: 'j', subjectOf: (id) => `j.${id}`, ratePerSec: 1000, devices: 500, seed: 11 }).start();
  cleanups.push(() => pub.stop());
  // Settled: 8 partitions over three engines, each holding 2 or 3.
  await waitFor(async () => Object.values(await sample()).every((owned) => owned.length >= 2) && eachOnce(Object.values(owners).flat()), {
    timeoutMs: 60_000,
    what: 'the three engines sharing the 8 partitions evenly',
    detail,
  });
  const withThree = owners;

  engines.push(await startFleetEngine(fleet, 'd'));
  await waitFor(async () => (await sample()).d.length > 0 && eachOnce(Object.values(owners).flat()), {
    timeoutMs: 60_000,
    what: 'the fourth engine owning some of the 8 partitions, each owned once',
    detail,
  });
  const withFour = owners;
  // The stream flows on a while under the new shares.
  await new Promise((r) => setTimeout(r, 3000));
  await pub.stop();
  const last = await settledStreamCount(nc, fleet.stream);
  await partitionsAcked(nc, fleet.stream, PARTITIONS, 60_000, detail);
  const atEnd = await sample();

  const committed = new Map<string, HistoryRow[]>();
  for (const e of engines) {
    await e.rpc.close();
    await e.web.proc.stop();
    committed.set(e.name, readHistoryElsewhere(e.dir.path).rows);
  }
  const times = new Uint8Array(last + 1);
  for (const rows of committed.values()) for (const r of rows) times[r.seq]++;
  const twice = times.slice(1).filter((n) => n > 1).length;
  const missing = times.slice(1).filter((n) => n === 0).length;
  const stretches = stretchesOf(committed);
  console.log(
    [
      `${last} positions: ${twice} committed twice, ${missing} missing; committed ${JSON.stringify(Object.fromEntries([...committed].map(([k, v]) => [k, v.length])))}`,
      `owners with three ${JSON.stringify(withThree)}, once the fourth had some ${JSON.stringify(withFour)}, at the end ${JSON.stringify(atEnd)}`,
      ...stretches.map((runs, p) => `partition ${p}: ${describeStretches(runs)}`),
    ].join('\n'),
  );
  expect([twice, missing]).toEqual([0, 0]);
  // The fourth committed what it was given, and every partition ended with one owner.
  expect(withFour.d.length).toBeGreaterThan(0);
  expect(committed.get('d')!.length).toBeGreaterThan(0);
  expect(eachOnce(Object.values(atEnd).flat())).toBe(true);
  // Read by one engine at a time: no engine comes back to a partition after another has committed from it.
  const returns = stretches.flatMap((runs, p) => (new Set(runs.map((s) => s.engine)).size < runs.length ? [`partition ${p}: ${describeStretches(runs)}`] : []));
  expect(returns).toEqual([]);
}, 240_000);
