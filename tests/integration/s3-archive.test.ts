// The archive in a bucket, against a real S3-compatible store (SeaweedFS) started on loopback: the engine
// copies every finished part there as it writes it, under its own engine=<id> folder; a notebook over
// s3://… sums what the local archive sums; a wrong key is refused in the store's words, with the engine
// unharmed; a part the engine had not copied when it stopped is copied at its next start, and a part
// replaced locally (as compaction replaces them) leaves the bucket too.
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type Engine, type EngineClient } from '../../main';
import { listObjects, resolveS3Access } from '../../main/s3';
import {
  type Call,
  engineEnv,
  hexwatchBin,
  makeTempDir,
  runToExit,
  S3_TEST_KEY,
  startS3Store,
  type S3Store,
  type TempDir,
  typedCall,
  waitFor,
  weedPath,
} from '../helpers';

const BUCKET_URL = 's3://fleet/hexwatch/';
let store: S3Store;
let dir: TempDir;
let engine: Engine | undefined;
let client: EngineClient;
let call: Call;

const argv = (endpoint: string) => [
  '--data-dir',
  dir.path,
  '--source',
  'simulator',
  '--simulator.devices',
  '40',
  '--simulator.ratePerSec',
  '40',
  '--simulator.backfillH',
  '2',
  '--welcome',
  'false',
  '--archive.s3Url',
  BUCKET_URL,
  '--archive.s3IntervalS',
  '1',
  '--archive.engineId',
  'test-engine',
  '--notebooks.s3Endpoint',
  endpoint,
  '--notebooks.s3AccessKeyId',
  S3_TEST_KEY.accessKeyId,
  '--notebooks.snapshotMaxAgeS',
  '0',
];

async function start(secret = S3_TEST_KEY.secretAccessKey): Promise<void> {
  engine = await startEngine({ argv: argv(store.endpoint), env: { HEXWATCH_S3_SECRET_ACCESS_KEY: secret }, log: () => {} });
  client = engine.connect();
  call = typedCall((method, params) => client.call(method, params));
}

/** The archive's finished parts on disk, relative to it. */
function localParts(): string[] {
  return readdirSync(join(dir.path, 'archive'), { recursive: true })
    .map(String)
    .filter((p) => p.endsWith('.parquet') && !p.split('/').pop()!.startsWith('.'))
    .sort();
}

const access = () =>
  resolveS3Access(
    { endpoint: store.endpoint, region: '', accessKeyId: S3_TEST_KEY.accessKeyId },
    { HEXWATCH_S3_SECRET_ACCESS_KEY: S3_TEST_KEY.secretAccessKey },
    () => undefined,
  );
const bucketKeys = async () => (await listObjects(access(), 'fleet', 'hexwatch/')).keys.map((k) => k.key).sort();

/** What the bucket holds is the local archive, each part under this engine's folder in its hour. */
const asRemote = (rel: string) => `hexwatch/${rel.replace(/\/([^/]+)$/, '/engine=test-engine/$1')}`;

async function sumOf(queryId: string, from: string): Promise<{ n: number; lat: number }> {
  await call('notebooks.run', { queryId, sql: `SELECT count(*) AS n, sum(lat) AS lat FROM ${from}` });
  const [row] = tableFromIPC(await call('notebooks.page', { queryId, offset: 0, limit: 1 })).toArray() as { n: bigint; lat: number }[];
  return { n: Number(row!.n), lat: row!.lat };
}

async function allCopied(): Promise<void> {
  await waitFor(
    async () => {
      const s = await call('status.get', {});
      if (!(s.demo?.state === 'ready' && s.archiveCopy?.pending === 0 && !s.archiveCopy.error && s.archiveCopy.copied === localParts().length)) return false;
      // The status counts what the journal holds; the bucket itself is the proof.
      return JSON.stringify(await bucketKeys()) === JSON.stringify(localParts().map(asRemote).sort());
    },
    { timeoutMs: 90_000, what: 'every archive part copied to the bucket', detail: () => JSON.stringify(engine?.status().archiveCopy) },
  );
}

describe.skipIf(!weedPath())('the archive in an S3 bucket (SeaweedFS from .cache/bin or HEXWATCH_WEED)', () => {
  beforeAll(async () => {
    store = await startS3Store();
    dir = await makeTempDir('hexwatch-s3-archive-');
    await start();
  });

  afterAll(async () => {
    await engine?.stop();
    await store?.stop();
    await dir?.remove();
  });

  it('copies every finished part to the bucket, each under this engine in its hour', async () => {
    await allCopied();
    const local = localParts();
    expect(local.some((p) => p.startsWith('positions/'))).toBe(true);
    expect(await bucketKeys()).toEqual(local.map(asRemote).sort());
  });

  it('a notebook over s3:// sums what the local archive sums, and opens the bucket folder as a view', async () => {
    const remote = await sumOf('remote', `read_parquet('${BUCKET_URL}positions/**/*.parquet')`);
    const local = await sumOf('local', `read_parquet('${join(dir.path, 'archive', 'positions')}/**/*.parquet')`);
    expect(remote.n).toBeGreaterThan(0);
    expect(remote.n).toBe(local.n);
    expect(remote.lat).toBeCloseTo(local.lat, 6);

    const view = await call('notebooks.open', { path: `${BUCKET_URL}positions/` });
    expect(view.kind).toBe('parquet');
    expect(view.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['lat', 'lon', 'date', 'hour', 'engine']));
    expect((await sumOf('view', view.view)).n).toBe(local.n);
  });

  it("hexwatch sql reads the bucket too, and a wrong secret is refused in the store's words", async () => {
    const sql = (secret: string) =>
      runToExit(
        process.execPath,
        [
          hexwatchBin,
          'sql',
          ...argv(store.endpoint).slice(0, 2),
          '--archive.s3Url',
          BUCKET_URL,
          '--notebooks.s3Endpoint',
          store.endpoint,
          '--notebooks.s3AccessKeyId',
          S3_TEST_KEY.accessKeyId,
          `SELECT count(*) AS n FROM read_parquet('${BUCKET_URL}positions/**/*.parquet')`,
          '--format',
          'json',
        ],
        { timeoutMs: 60_000, env: engineEnv({ HEXWATCH_S3_SECRET_ACCESS_KEY: secret }) },
      );
    const good = await sql(S3_TEST_KEY.secretAccessKey);
    expect(good.code, good.stderr).toBe(0);
    const local = await sumOf('cli-local', `read_parquet('${join(dir.path, 'archive', 'positions')}/**/*.parquet')`);
    expect((JSON.parse(good.stdout) as { n: number }[])[0]!.n).toBe(local.n);
    const bad = await sql('not-the-secret');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/SignatureDoesNotMatch|InvalidAccessKeyId|403/);

    // In a notebook: the same refusal, said once, and the engine answers on.
    await engine!.stop();
    await start('not-the-secret');
    const refused = await call('notebooks.open', { path: `${BUCKET_URL}positions/` }).then(
      () => '',
      (err: Error) => err.message,
    );
    expect(refused).toMatch(/HTTP 403.*SignatureDoesNotMatch: /);
    expect(refused.match(/Authentication Failure/g)).toBeNull();
    // The copier says the same in the status, and keeps trying.
    await waitFor(async () => /SignatureDoesNotMatch|InvalidAccessKeyId/.test((await call('status.get', {})).archiveCopy?.error ?? ''), {
      timeoutMs: 30_000,
      what: "the copier's refusal in the status",
    });
    expect((await call('status.get', {})).sourceState).toBe('running');
  });

  it('copies at the next start a part it had not copied when it stopped, and removes the copy of a part replaced locally', async () => {
    await engine!.stop();
    engine = undefined;
    // A part written while no copy was made (the engine stopped first), and one replaced as compaction replaces parts.
    const first = localParts().find((p) => p.startsWith('positions/'));
    const second = localParts().find((p) => p !== first);
    const hour = 'positions/date=2000-01-01/hour=00';
    mkdirSync(join(dir.path, 'archive', hour), { recursive: true });
    copyFileSync(join(dir.path, 'archive', first!), join(dir.path, 'archive', hour, 'part-late.parquet'));
    rmSync(join(dir.path, 'archive', second!));
    expect(await bucketKeys()).not.toContain(asRemote(`${hour}/part-late.parquet`));

    await start();
    await allCopied();
    const keys = await bucketKeys();
    expect(keys).toContain(asRemote(`${hour}/part-late.parquet`));
    expect(keys).not.toContain(asRemote(second!));
    expect(keys).toEqual(localParts().map(asRemote).sort());
    const remote = await sumOf('after', `read_parquet('${BUCKET_URL}positions/**/*.parquet')`);
    const local = await sumOf('after-local', `read_parquet('${join(dir.path, 'archive', 'positions')}/**/*.parquet')`);
    expect(remote).toEqual({ n: local.n, lat: expect.closeTo(local.lat, 6) as number });
  });
});
