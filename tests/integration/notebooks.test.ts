// Notebooks over what NATS ingest stored: positions published through a real nats-server, some hours
// archived to Parquet and the rest still hot, read as one `positions` view on the notebook thread — no
// gap and no duplicate at the seam — and the same from `hexwatch sql` in another process, with the engine
// running (archive only, said on stderr) and stopped (everything).
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Position } from '../../shared/position';
import { startEngine, type Engine, type EngineClient } from '../../main';
import { Simulator } from '../../main/simulator';
import { type Call, engineEnv, hexwatchBin, makeTempDir, type RunningServer, runToExit, startNats, type TempDir, typedCall, waitFor } from '../helpers';

const HOUR = 3_600_000;
let nats: RunningServer;
let nc: NatsConnection;
let dir: TempDir;
let engine: Engine | undefined;
let client: EngineClient;
let call: Call;
let fixes: Position[];

function walkers(n: number, start: number, spanMs: number, seed: number): Position[] {
  const sim = new Simulator({ devices: 500, ratePerSec: 1, center: [-73.9851, 40.7589], radiusKm: 5, speedMps: 9, fleet: `fleet${seed}`, seed });
  const out: Position[] = [];
  for (let i = 0; i < n; i += 500) out.push(...sim.take(Math.min(500, n - i), start + Math.floor((i / n) * spanMs)));
  return out;
}

async function sqlCli(query: string): Promise<{ rows: { n: number; lat: number }[]; stderr: string }> {
  const r = await runToExit(process.execPath, [hexwatchBin, 'sql', '--data-dir', dir.path, query, '--format', 'json'], { timeoutMs: 60_000, env: engineEnv() });
  if (r.code !== 0) throw new Error(`hexwatch sql exited ${r.code}: ${r.stderr}`);
  return { rows: JSON.parse(r.stdout) as { n: number; lat: number }[], stderr: r.stderr };
}

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  await (await jetstreamManager(nc)).streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
  dir = await makeTempDir('hexwatch-notebooks-');
  const now = Date.now();
  // Two hours ago (archived by the roll) and now (still hot).
  fixes = [...walkers(30_000, now - 2 * HOUR - 10 * 60_000, 40 * 60_000, 1), ...walkers(20_000, now - 2000, 1000, 2)];
  for (const p of fixes) nc.publish('pos.fleet', JSON.stringify(p));
  await nc.flush();
  engine = await startEngine({
    argv: ['--data-dir', dir.path, '--nats', nats.url, '--history.graceS', '0', '--history.rollIntervalS', '1', '--notebooks.snapshotMaxAgeS', '0'],
    env: {},
    log: () => {},
  });
  client = engine.connect();
  call = typedCall((method, params) => client.call(method, params));
  await waitFor(async () => (await call('history.counts')).archived === 30_000, {
    timeoutMs: 90_000,
    what: 'the old hours archived',
    detail: () => JSON.stringify(engine?.status()),
  });
});

afterAll(async () => {
  await engine?.stop();
  await nc?.close();
  await nats?.stop();
  await dir?.remove();
});

const published = () => ({ n: fixes.length, lat: fixes.reduce((s, p) => s + p.lat, 0) });

it('reads archived and hot positions as one view on the notebook thread: every fix once', async () => {
  expect(await client.call('history.counts', {})).toEqual({ hot: 20_000, archived: 30_000, quarantined: 0 });
  const summary = await call('notebooks.run', {
    queryId: 'seam',
    sql: 'SELECT count(*) AS n, sum(lat) AS lat, count(DISTINCT seq) AS seqs FROM positions',
  });
  expect(summary.rows).toBe(1);
  const [row] = tableFromIPC(await call('notebooks.page', { queryId: 'seam', offset: 0, limit: 1 })).toArray() as {
    n: bigint;
    lat: number;
    seqs: bigint;
  }[];
  expect(Number(row!.n)).toBe(published().n);
  expect(Number(row!.seqs)).toBe(published().n);
  expect(row!.lat).toBeCloseTo(published().lat, 6);
});

it('hexwatch sql reads the archive while the engine runs (and says the hot rows are left out), and everything once it stops', async () => {
  const running = await sqlCli('SELECT count(*) AS n, sum(lat) AS lat FROM positions');
  expect(running.stderr).toMatch(/history is in use.*not yet archived are left out/);
  expect(running.rows[0]!.n).toBe(30_000);

  await engine!.stop();
  engine = undefined;
  const stopped = await sqlCli('SELECT count(*) AS n, sum(lat) AS lat FROM positions');
  expect(stopped.stderr).toBe('');
  expect(stopped.rows[0]!.n).toBe(published().n);
  expect(stopped.rows[0]!.lat).toBeCloseTo(published().lat, 6);

  // The same positions as hexagons in a GeoJSON file: every fix counted once across the features.
  const geo = await runToExit(
    process.execPath,
    [hexwatchBin, 'sql', '--data-dir', dir.path, 'SELECT h3_parent(h3, 7) AS h3, count(*) AS n FROM positions GROUP BY 1', '--format', 'geojson'],
    { timeoutMs: 60_000, env: engineEnv() },
  );
  const collection = JSON.parse(geo.stdout) as { features: { geometry: { type: string }; properties: { h3: string; n: number } }[] };
  expect(collection.features.reduce((n, f) => n + f.properties.n, 0)).toBe(published().n);
  expect(collection.features.every((f) => f.geometry.type === 'Polygon' && /^87/.test(f.properties.h3))).toBe(true);
});
