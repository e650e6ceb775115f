// One engine ingesting from NATS into a fleet's shared folder while notebooks read it: the positions view
// is the folder plus this engine's parts not put there yet plus its hot rows, and at no moment — rolls and
// puts happening between a snapshot's steps — does a query count a position twice or miss it once settled.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEngine, type Engine } from '../../main';
import { makeTempDir, natsServerPath, startNats, typedCall, waitFor, type Call, type RunningServer, type TempDir } from '../helpers';

const HOUR = 3_600_000;
let nats: RunningServer;
let nc: NatsConnection;
let dir: TempDir;
let engine: Engine | undefined;
let call: Call;
let published = 0;
let queries = 0;

/** `n` fixes of 50 devices from `from`, `stepMs` apart. */
async function publish(n: number, from: number, stepMs: number): Promise<void> {
  for (let i = 0; i < n; i++)
    nc.publish(`pos.dev-${i % 50}`, JSON.stringify({ id: `dev-${i % 50}`, ts: from + i * stepMs, lat: 40 + (i % 50) * 1e-3, lon: -74 }));
  await nc.flush();
  published += n;
}

async function one(sql: string): Promise<Record<string, number>> {
  const queryId = `q${++queries}`;
  await call('notebooks.run', { queryId, sql });
  const [row] = tableFromIPC(await call('notebooks.page', { queryId, offset: 0, limit: 1 })).toArray() as { toJSON(): Record<string, bigint> }[];
  return Object.fromEntries(Object.entries(row!.toJSON()).map(([k, v]) => [k, Number(v)]));
}

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  dir = await makeTempDir('hexwatch-shared-live-');
  engine = await startEngine({
    argv: [
      ...['--data-dir', `${dir.path}/engine`, '--nats', nats.url, '--history.graceS', '0', '--history.rollIntervalS', '1'],
      ...['--archive.sharedDir', `${dir.path}/nfs`, '--archive.s3IntervalS', '1', '--archive.engineId', 'live', '--notebooks.snapshotMaxAgeS', '0'],
    ],
    env: {},
    log: () => {},
  });
  const client = engine.connect();
  call = typedCall((method, params) => client.call(method, params));
  await waitFor(async () => (await call('status.get', {})).sourceState === 'running', { timeoutMs: 30_000, what: 'ingest running' });
});

afterAll(async () => {
  await engine?.stop();
  await nc?.close();
  await nats?.stop();
  await dir?.remove();
});

it.skipIf(!natsServerPath())('counts every position once while hours roll into the shared folder, and all of them once settled', async () => {
  const now = Date.now();
  // Ended hours (rolled and put in the folder within seconds) and the current one (hot).
  await publish(20_000, now - 3 * HOUR, 200);
  await publish(5_000, now - 5_000, 1);
  const seen: { n: number; d: number }[] = [];
  for (let round = 0; round < 6; round++) {
    await publish(4_000, now - 2 * HOUR + round * 60_000, 10);
    for (let q = 0; q < 3; q++) {
      const r = await one('SELECT count(*) AS n, count(DISTINCT seq) AS d FROM positions');
      seen.push({ n: r.n!, d: r.d! });
    }
  }
  // Never a position twice, whatever a roll or a put did between the snapshot's steps.
  expect(seen.filter((s) => s.n !== s.d)).toEqual([]);
  const folder = `read_parquet('${dir.path}/nfs/positions/**/*.parquet')`;
  await waitFor(async () => (await one(`SELECT count(*) AS n FROM ${folder}`)).n === published - 5_000, {
    timeoutMs: 90_000,
    what: 'every ended hour in the shared folder',
  });
  expect(await one('SELECT count(*) AS n, count(DISTINCT seq) AS d, min(seq) AS lo, max(seq) AS hi FROM positions')).toEqual({
    n: published,
    d: published,
    lo: 1,
    hi: published,
  });
});
