import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryStore, type FaultPoint, type HistoryOptions } from './history-store';
import { archiveFiles, makeRows, tempDir } from '../../tests/helpers/history-fixtures';

const T0 = Date.UTC(2024, 0, 1, 22, 10);
const LATER = Date.UTC(2024, 0, 5);

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

class SimulatedCrash extends Error {}

/** Opens the store with a hook that "crashes" the first time `point` is reached. */
function openCrashingAt(point: FaultPoint, extra: Partial<HistoryOptions> = {}): Promise<HistoryStore> {
  let armed = true;
  return HistoryStore.open({
    dataDir: dir,
    graceMs: 0,
    ...extra,
    faults: (p) => {
      if (armed && p === point) {
        armed = false;
        throw new SimulatedCrash(p);
      }
    },
  });
}

/**
 * What an outside observer finds with the store closed: every seq in the hot table or in a listed part,
 * the files on disk against the catalogue, and leftovers.
 */
async function inspect(): Promise<{
  rows: number;
  distinct: number;
  hot: number;
  listedRows: number;
  parquetRows: number;
  unlisted: string[];
  missing: string[];
  tmp: string[];
}> {
  const archive = join(dir, 'archive');
  const files = await archiveFiles(archive);
  const parquet = files.filter((f) => f.endsWith('.parquet') && !f.split('/').pop()!.startsWith('.'));
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const c = await instance.connect();
  try {
    await c.run(`ATTACH '${join(dir, 'history.duckdb')}' AS h (READ_ONLY)`);
    const listed = (await c.runAndReadAll(`SELECT path FROM h.archive_parts`)).getRowObjectsJS().map((r) => String(r.path));
    const list = parquet.map((f) => `'${join(archive, f)}'`).join(', ');
    const archived = parquet.length ? `SELECT seq FROM read_parquet([${list}])` : `SELECT NULL::UBIGINT AS seq WHERE false`;
    const [r] = (
      await c.runAndReadAll(
        `SELECT count(*) AS rows, count(DISTINCT seq) AS distinct_seqs,
                (SELECT count(*) FROM h.positions_hot) AS hot,
                (SELECT coalesce(sum(rows), 0) FROM h.archive_parts) AS listed_rows,
                (SELECT count(*) FROM (${archived})) AS parquet_rows
         FROM (SELECT seq FROM h.positions_hot UNION ALL ${archived})`,
      )
    ).getRowObjectsJS();
    return {
      rows: Number(r.rows),
      distinct: Number(r.distinct_seqs),
      hot: Number(r.hot),
      listedRows: Number(r.listed_rows),
      parquetRows: Number(r.parquet_rows),
      unlisted: parquet.filter((f) => !listed.includes(f)),
      missing: listed.filter((f) => !parquet.includes(f)),
      tmp: files.filter((f) => f.endsWith('.tmp')),
    };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** After reopening, the archive is exactly the catalogue and every row is in exactly one place. */
async function expectConsistent(total: number): Promise<void> {
  const s = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
  const counts = await s.counts();
  await s.close();
  const seen = await inspect();
  expect(seen.unlisted).toEqual([]);
  expect(seen.missing).toEqual([]);
  expect(seen.tmp).toEqual([]);
  expect(seen.parquetRows).toBe(seen.listedRows);
  expect(seen.rows).toBe(total);
  expect(seen.distinct).toBe(total);
  expect(counts.hot + counts.archived).toBe(total);
}

/** Runs the store to the end without faults: everything archived, one part per hour. */
async function expectFinishes(total: number, hours: number): Promise<void> {
  const s = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
  await s.roll(LATER);
  expect(await s.counts()).toEqual({ hot: 0, archived: total, quarantined: 0 });
  await s.close();
  const seen = await inspect();
  expect(seen.rows).toBe(total);
  expect(seen.distinct).toBe(total);
  expect((await archiveFiles(join(dir, 'archive'))).length).toBe(hours);
}

describe('a crash at any step of archiving loses and duplicates nothing', () => {
  const points: FaultPoint[] = ['archive:written', 'archive:renamed', 'archive:before-commit', 'archive:committed'];
  it.each(points)('crash at %s', async (point) => {
    const rows = makeRows(3000, { startTs: T0, stepMs: 10_000 }); // 22:10 → ~23:21: two hours
    const s = await openCrashingAt(point);
    await s.commit({ stream: 'S', rows, quarantined: [], highWater: 3000n });
    await expect(s.roll(LATER)).rejects.toBeInstanceOf(SimulatedCrash);
    await s.close();
    const before = await inspect();
    // What the crash left: a temporary file, or a renamed part its transaction never listed.
    expect({ tmp: before.tmp.length, unlisted: before.unlisted.length }).toEqual(
      { 'archive:written': { tmp: 1, unlisted: 0 }, 'archive:renamed': { tmp: 0, unlisted: 1 }, 'archive:before-commit': { tmp: 0, unlisted: 1 } }[
        point as string
      ] ?? { tmp: 0, unlisted: 0 },
    );
    await expectConsistent(3000);
    await expectFinishes(3000, 2);
  });
});

describe('a crash at any step of compaction loses and duplicates nothing', () => {
  const points: FaultPoint[] = ['compact:written', 'compact:renamed', 'compact:before-commit', 'compact:committed', 'compact:unlinked-one'];
  it.each(points)('crash at %s', async (point) => {
    const s = await openCrashingAt(point);
    await s.commit({ stream: 'S', rows: makeRows(2000, { startTs: T0, stepMs: 1000 }), quarantined: [], highWater: 2000n });
    await s.roll(LATER); // one part for 22:00
    await s.commit({ stream: 'S', rows: makeRows(300, { startTs: T0 + 5000, firstSeq: 2001, stepMs: 10 }), quarantined: [], highWater: 2300n });
    await s.commit({ stream: 'S', rows: makeRows(200, { startTs: T0 + 9000, firstSeq: 2301, stepMs: 10 }), quarantined: [], highWater: 2500n });
    await expect(s.roll(LATER)).rejects.toBeInstanceOf(SimulatedCrash); // late part written, then the hour's compaction crashes
    await s.close();
    const before = await inspect();
    expect({ tmp: before.tmp.length, unlisted: before.unlisted.length }).toEqual(
      {
        'compact:written': { tmp: 1, unlisted: 0 },
        'compact:renamed': { tmp: 0, unlisted: 1 },
        'compact:before-commit': { tmp: 0, unlisted: 1 },
        'compact:committed': { tmp: 0, unlisted: 2 }, // the replaced parts, not yet unlinked
        'compact:unlinked-one': { tmp: 0, unlisted: 1 },
      }[point as string],
    );
    await expectConsistent(2500);
    await expectFinishes(2500, 1);
  });
});

describe('a crash at any step of retention leaves an exact archive', () => {
  const points: FaultPoint[] = ['retention:committed', 'retention:unlinked-one'];
  it.each(points)('crash at %s', async (point) => {
    const s = await openCrashingAt(point, { retentionDays: 1 });
    const rows = makeRows(48, { startTs: Date.UTC(2024, 0, 1), devices: 2, stepMs: 3_600_000 }); // 2 fixes in each hour of Jan 1
    await s.commit({ stream: 'S', rows, quarantined: [], highWater: 48n });
    await s.roll(LATER);
    await expect(s.applyRetention(Date.UTC(2024, 0, 2, 12))).rejects.toBeInstanceOf(SimulatedCrash); // hours 00–11 expire
    await s.close();
    const survivors = 48 - 2 * 12;
    await expectConsistent(survivors);
    await expectFinishes(survivors, 12);
  });
});

describe('a failure inside commit', () => {
  it('is retried by the caller with the same batch and lands once', async () => {
    const s = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
    const rows = makeRows(1000, { startTs: T0 });
    const bad = [...rows.slice(0, 999), { ...rows[999], lat: undefined as unknown as number }];
    await expect(s.commit({ stream: 'S', rows: bad, quarantined: [], highWater: 1000n })).rejects.toThrow();
    await s.commit({ stream: 'S', rows, quarantined: [], highWater: 1000n });
    await s.close();
    await expectConsistent(1000);
  });
});
