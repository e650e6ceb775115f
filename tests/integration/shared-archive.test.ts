// The fleet's one archive, in a shared folder and in a real S3-compatible bucket (SeaweedFS): three
// engines' data dirs (real history stores and rollers) commit three hours of positions for 8 partitions
// whose pins moved between them mid-hour — a few positions committed by two engines, as when an engine
// dies between its commit and its ack — and put their parts in the one place. Before any compaction a
// notebook on a fourth, watch-only data dir (`hexwatch sql`) already sums each position once; each
// partition's owner then compacts its hours (one of them crashing between its put and its deletes), never
// touching the others' partitions; afterwards the place holds every position exactly once.
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveMarketSnapshots, withScratchDuckDB } from '../../main/archive';
import { HistoryStore, type PositionRow } from '../../main/history';
import { resolveS3Access } from '../../main/s3';
import { BucketPlace, FolderPlace, parseSharedKey, SharedArchive, type ArchivePlace } from '../../main/shared-archive';
import { cellKey, hexToCell } from '../../shared/h3-cell';
import { partitionOf } from '../../shared/partition';
import { tableFromIPC } from 'apache-arrow';
import {
  engineEnv,
  engineRpc,
  hexwatchBin,
  makeTempDir,
  natsServerPath,
  runToExit,
  S3_TEST_KEY,
  startNats,
  startS3Store,
  startWebMode,
  weedPath,
  type S3Store,
  type TempDir,
} from '../helpers';

const PARTITIONS = 8;
const ENGINES = ['engine-a', 'engine-b', 'engine-c'] as const;
const T0 = Date.UTC(2026, 0, 5, 9); // three whole hours from here, long ended
const NOW = T0 + 6 * 3_600_000;
const DEVICES = Array.from({ length: 160 }, (_, i) => (i % 5 === 0 ? `车辆-${i}` : `truck-${i}`));
/** Each partition's owner once the pins settled: the one that compacts it. */
const ownerOf = (p: number) => ENGINES[p % 3]!;

interface Published {
  rows: PositionRow[];
  /** Which engines committed each row (two for the crash window's). */
  committedBy: Map<bigint, string[]>;
}

/**
 * Three hours of fixes, one per device every 2 minutes, seq in publishing order. In each hour a
 * partition's pin moves once, at half past, to the next engine; the last 3 fixes per partition before the
 * move are committed again by the new owner (the old one died before acking them).
 */
function publish(): Published {
  const rows: PositionRow[] = [];
  const committedBy = new Map<bigint, string[]>();
  let seq = 0n;
  for (let h = 0; h < 3; h++) {
    const lastBefore = new Map<number, bigint[]>();
    for (let m = 0; m < 60; m += 2) {
      for (const [d, device] of DEVICES.entries()) {
        const p = partitionOf(device, PARTITIONS);
        const ts = T0 + h * 3_600_000 + m * 60_000 + d * 10;
        const row: PositionRow = { seq: ++seq, device_id: device, ts, lat: 40 + d * 1e-3, lon: -74 + m * 1e-4, h3: 0x8f2a100d2c6c0ffn, kind: 'supply' };
        rows.push(row);
        const first = ENGINES[(p + h) % 3]!;
        const second = ENGINES[(p + h + 1) % 3]!;
        committedBy.set(row.seq, [m < 30 ? first : second]);
        if (m < 30) lastBefore.set(p, [...(lastBefore.get(p) ?? []), row.seq].slice(-3));
      }
    }
    for (const [p, seqs] of lastBefore) for (const s of seqs) committedBy.get(s)!.push(ENGINES[(p + h + 1) % 3]!);
  }
  return { rows, committedBy };
}

/** Sorted sequences as the ranges ingest reports: [first, last] of each run. */
function rangesOf(seqs: number[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const s of seqs) {
    const last = ranges.at(-1);
    if (last && s === last[1] + 1) last[1] = s;
    else ranges.push([s, s]);
  }
  return ranges;
}

/** A place whose removals are written down (the real place does the work). */
class Watched implements ArchivePlace {
  readonly removed: string[] = [];
  constructor(private readonly inner: ArchivePlace) {}
  get url() {
    return this.inner.url;
  }
  locate = (key: string) => this.inner.locate(key);
  list = (table: string) => this.inner.list(table);
  put = (key: string, file: string) => this.inner.put(key, file);
  fetch = (key: string, scratch: string) => this.inner.fetch(key, scratch);
  remove = async (key: string) => {
    this.removed.push(key);
    await this.inner.remove(key);
  };
}

const keyOfHex = (hex: string) => {
  const c = [0, 0];
  hexToCell(hex, c);
  return cellKey(c[0]!, c[1]!);
};

/** What the place holds, read whole with no dedupe: every key fetched, then summed by an outside DuckDB. */
async function rawSums(place: ArchivePlace): Promise<{ n: number; seqSum: string; distinct: number }> {
  const scratch = await mkdtemp(join(tmpdir(), 'hexwatch-raw-'));
  try {
    const files: string[] = [];
    for (const key of await place.list('positions')) files.push(await place.fetch(key, scratch));
    return await withScratchDuckDB(async (c) => {
      const list = files.map((f) => `'${f}'`).join(', ');
      const [row] = (
        await c.runAndReadAll(`SELECT count(*) AS n, sum(seq)::VARCHAR AS s, count(DISTINCT seq) AS d FROM read_parquet([${list}], hive_partitioning = false)`)
      ).getRowObjectsJS();
      return { n: Number(row!.n), seqSum: String(row!.s), distinct: Number(row!.d) };
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const places: { name: string; needs?: 'weed' }[] = [{ name: 'a shared folder' }, { name: 'an S3 bucket', needs: 'weed' }];

for (const where of places) {
  describe.skipIf(where.needs === 'weed' && !weedPath())(`one archive for three engines in ${where.name}`, () => {
    let store: S3Store | undefined;
    let root: TempDir;
    let place: ArchivePlace;
    /** Settings naming the place, for `hexwatch sql`. */
    let placeArgs: string[];
    const env = engineEnv({ HEXWATCH_S3_SECRET_ACCESS_KEY: S3_TEST_KEY.secretAccessKey });
    const published = publish();
    const expectedSum = published.rows.reduce((s, r) => s + r.seq, 0n).toString();
    const engines = new Map<string, { archive: SharedArchive; watched: Watched; compacting: boolean; crashAtPut: boolean }>();
    let marketRows = 0;

    /** `hexwatch sql` on a fourth data dir that ingests nothing, pointed at the same archive. */
    async function fleetSql(sql: string): Promise<Record<string, unknown>[]> {
      const watcher = join(root.path, 'watcher');
      mkdirSync(watcher, { recursive: true });
      const run = await runToExit(
        process.execPath,
        [
          hexwatchBin,
          'sql',
          '--data-dir',
          watcher,
          ...placeArgs,
          '--cluster.partitions',
          String(PARTITIONS),
          '--archive.engineId',
          'watcher',
          sql,
          '--format',
          'json',
        ],
        { timeoutMs: 60_000, env },
      );
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as Record<string, unknown>[];
    }

    const notebookSums = async () =>
      (await fleetSql('SELECT count(*) AS n, sum(seq)::VARCHAR AS s, count(DISTINCT seq) AS d FROM positions'))[0] as { n: number; s: string; d: number };

    beforeAll(async () => {
      root = await makeTempDir('hexwatch-shared-archive-');
      if (where.needs === 'weed') {
        store = await startS3Store();
        const access = resolveS3Access(
          { endpoint: store.endpoint, region: '', accessKeyId: S3_TEST_KEY.accessKeyId },
          { HEXWATCH_S3_SECRET_ACCESS_KEY: S3_TEST_KEY.secretAccessKey },
          () => undefined,
        );
        place = new BucketPlace('s3://fleet/shared/', access);
        placeArgs = ['--archive.s3Url', 's3://fleet/shared/', '--notebooks.s3Endpoint', store.endpoint, '--notebooks.s3AccessKeyId', S3_TEST_KEY.accessKeyId];
      } else {
        const shared = join(root.path, 'nfs');
        mkdirSync(shared);
        place = new FolderPlace(shared);
        placeArgs = ['--archive.sharedDir', shared];
      }
      for (const engineId of ENGINES) {
        const dataDir = join(root.path, engineId);
        const history = await HistoryStore.open({ dataDir, graceMs: 0, log: () => {} });
        try {
          const mine = published.rows.filter((r) => published.committedBy.get(r.seq)!.includes(engineId));
          await history.commit({ stream: 'POSITIONS', rows: mine, quarantined: [], committed: rangesOf(mine.map((r) => Number(r.seq))) });
          await history.roll(NOW);
        } finally {
          await history.close();
        }
        // A minute of this engine's market, in the same hours: its parts go to the place under its name too.
        const cell = latLngToCell(40.75, -73.98, 8);
        marketRows += (
          await archiveMarketSnapshots(dataDir, [
            { at: T0 + 60_000, resolution: 8, keys: Float64Array.of(keyOfHex(cell)), supply: Float64Array.of(3), demand: Float64Array.of(5), kinds: [] },
          ])
        ).rows;
        const watched = new Watched(place);
        const state = { compacting: false, crashAtPut: false, watched } as {
          archive: SharedArchive;
          watched: Watched;
          compacting: boolean;
          crashAtPut: boolean;
        };
        state.archive = new SharedArchive({
          dataDir,
          place: watched,
          engineId,
          partitions: PARTITIONS,
          owns: (p) => state.compacting && ownerOf(p) === engineId,
          intervalMs: 60_000,
          graceMs: 0,
          retentionDays: 0,
          clock: () => NOW,
          log: () => {},
          fault: (point) => {
            if (state.crashAtPut && point === 'shared-compact:put') throw new Error('crash after the compacted part was put');
          },
        });
        engines.set(engineId, state);
      }
    });

    afterAll(async () => {
      await store?.stop();
      await root?.remove();
    });

    it('every engine puts its parts there, by hour, partition and engine, and a notebook elsewhere sums each position once', async () => {
      for (const e of engines.values()) await e.archive.syncNow();
      const keys = await place.list('positions');
      const parsed = keys.map((k) => parseSharedKey(k)!);
      expect(parsed.every(Boolean)).toBe(true);
      expect(new Set(parsed.map((k) => k.partition))).toEqual(new Set(Array.from({ length: PARTITIONS }, (_, p) => p)));
      expect(new Set(parsed.map((k) => k.engine))).toEqual(new Set(ENGINES));
      // Each row lies in its device's partition folder.
      const raw = await rawSums(place);
      const duplicates = [...published.committedBy.values()].filter((by) => by.length > 1).length;
      expect(duplicates).toBeGreaterThan(0);
      expect(raw.n).toBe(published.rows.length + duplicates);
      expect(raw.distinct).toBe(published.rows.length);

      const sums = await notebookSums();
      expect(Number(sums.n)).toBe(published.rows.length);
      expect(sums.s).toBe(expectedSum);
      // Market minutes and their engine names: one part per engine, read whole.
      expect((await place.list('market')).map((k) => parseSharedKey(k)!.engine).sort()).toEqual([...ENGINES]);
      expect(Number((await fleetSql('SELECT count(*) AS n FROM market'))[0]!.n)).toBe(marketRows);
    });

    it("an owner compacts only its partitions' hours — crashing between its put and its deletes changes no sum — and leaves the others' parts as they were", async () => {
      const before = new Set(await place.list('positions'));
      const a = engines.get('engine-a')!;
      a.compacting = true;
      if (where.needs !== 'weed') {
        a.crashAtPut = true;
        await expect(a.archive.syncNow()).rejects.toThrow(/crash after the compacted part/);
        a.crashAtPut = false;
        const sums = await notebookSums();
        expect([Number(sums.n), sums.s]).toEqual([published.rows.length, expectedSum]);
      }
      const result = await a.archive.syncNow();
      expect(result.groups).toBeGreaterThan(0);
      // Its inputs go at its next pass (a query that listed them still reads them); meanwhile both count once.
      const sumsMeanwhile = await notebookSums();
      expect([Number(sumsMeanwhile.n), sumsMeanwhile.s]).toEqual([published.rows.length, expectedSum]);
      await a.archive.syncNow();
      const after = await place.list('positions');
      const owned = (k: string) => ownerOf(parseSharedKey(k)!.partition!) === 'engine-a';
      // Other partitions: not one key added or gone.
      expect(after.filter((k) => !owned(k)).sort()).toEqual([...before].filter((k) => !owned(k)).sort());
      // Its own: one part per hour and partition, written by it.
      const mine = after.filter(owned).map((k) => parseSharedKey(k)!);
      expect(new Set(mine.map((k) => `${k.hour}/${k.partition}`)).size).toBe(mine.length);
      expect(mine.every((k) => k.engine === 'engine-a' && k.file.startsWith('part-c-'))).toBe(true);
      expect(a.watched.removed.every(owned)).toBe(true);
      const sums = await notebookSums();
      expect([Number(sums.n), sums.s]).toEqual([published.rows.length, expectedSum]);
    });

    it('once every owner has compacted, the place holds every position exactly once, and only owners deleted', async () => {
      for (const id of ['engine-b', 'engine-c']) {
        engines.get(id)!.compacting = true;
        await engines.get(id)!.archive.syncNow();
        await engines.get(id)!.archive.syncNow();
      }
      const keys = (await place.list('positions')).map((k) => parseSharedKey(k)!);
      expect(new Set(keys.map((k) => `${k.hour}/${k.partition}`)).size).toBe(keys.length);
      expect(keys.every((k) => k.engine === ownerOf(k.partition!))).toBe(true);
      const raw = await rawSums(place);
      expect(raw).toEqual({ n: published.rows.length, seqSum: expectedSum, distinct: published.rows.length });
      for (const [id, e] of engines) expect(e.watched.removed.every((k) => ownerOf(parseSharedKey(k)!.partition!) === id)).toBe(true);
      const sums = await notebookSums();
      expect([Number(sums.n), sums.s, Number(sums.d)]).toEqual([published.rows.length, expectedSum, published.rows.length]);
    });

    it.skipIf(!natsServerPath())('a running watch-only engine (web mode, its own empty stream) sums the same in a notebook', async () => {
      const nats = await startNats();
      const web = await startWebMode({
        args: ['--nats', nats.url, ...placeArgs, '--archive.engineId', 'watching-engine', '--notebooks.snapshotMaxAgeS', '0'],
        env: { HEXWATCH_S3_SECRET_ACCESS_KEY: S3_TEST_KEY.secretAccessKey },
      });
      const rpc = await engineRpc(web);
      try {
        await rpc.call('notebooks.run', { queryId: 'fleet', sql: 'SELECT count(*) AS n, sum(seq)::VARCHAR AS s FROM positions' });
        const [row] = tableFromIPC(await rpc.call('notebooks.page', { queryId: 'fleet', offset: 0, limit: 1 })).toArray() as { n: bigint; s: string }[];
        expect([Number(row!.n), row!.s]).toEqual([published.rows.length, expectedSum]);
      } finally {
        await rpc.close();
        await web.stop();
        await nats.stop();
      }
    });
  });
}
