// Removing the unsequenced rows (the simulator's demo) before a time from the hot table and the archive:
// whole parts dropped, mixed parts written again without them, nothing else touched, and a crash at any
// step leaves an archive that is exactly its catalogue.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryStore, type FaultPoint } from './history-store';
import type { PositionRow } from './tables';
import { archiveFiles, makeRows, tempDir } from '../../tests/helpers/history-fixtures';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1, 10);
/** The demo's end: inside the 12:00 hour, so that hour is the boundary. */
const END = T0 + 2.5 * H;
const LATER = Date.UTC(2024, 0, 5);

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const unsequenced = (rows: PositionRow[]) => rows.map((r) => ({ ...r, seq: 0n }));
/** Demo rows 10:00–12:30, NATS rows 11:00–13:00 (sequenced), live simulator rows 12:30–13:30. */
const demo = unsequenced(makeRows(900, { startTs: T0, stepMs: 70_000 }));
const nats = makeRows(600, { startTs: T0 + H, stepMs: 80_000, firstSeq: 1 });
const live = unsequenced(makeRows(400, { startTs: END, stepMs: 60_000 }));
/** Demo rows committed after the archive was rolled: still hot when they are removed. */
const lateDemo = unsequenced(makeRows(70, { startTs: T0 + 30 * 60_000, stepMs: 1000 }));

async function fill(store: HistoryStore): Promise<void> {
  await store.commit({ stream: 'simulator', rows: demo, quarantined: [], unsequenced: true });
  await store.commit({ stream: 'POSITIONS', rows: nats, quarantined: [], highWater: 600n });
  await store.commit({ stream: 'simulator', rows: live, quarantined: [], unsequenced: true });
  await store.roll(LATER);
  await store.commit({ stream: 'simulator', rows: lateDemo, quarantined: [], unsequenced: true });
}

/** What an outside reader finds with the store closed: rows by kind, hot and in listed parts, and files the catalogue does not list. */
async function census(): Promise<{ demo: number; nats: number; live: number; unlisted: string[]; tmp: string[] }> {
  const archive = join(dir, 'archive');
  const files = (await archiveFiles(archive)).filter((f) => f.startsWith('positions/'));
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const c = await instance.connect();
  try {
    await c.run("SET TimeZone = 'UTC'");
    await c.run(`ATTACH '${join(dir, 'history.duckdb')}' AS h (READ_ONLY)`);
    const listed = (await c.runAndReadAll(`SELECT path FROM h.archive_parts`)).getRowObjectsJS().map((r) => String(r.path));
    const parts = listed.map((p) => `'${join(archive, p)}'`).join(', ');
    const rows = `SELECT seq, ts::TIMESTAMPTZ AS ts FROM h.positions_hot${parts ? ` UNION ALL SELECT seq, ts FROM read_parquet([${parts}])` : ''}`;
    const end = `make_timestamptz(${END}::BIGINT * 1000)`;
    const [r] = (
      await c.runAndReadAll(
        `SELECT count(*) FILTER (seq = 0 AND ts < ${end}) AS demo, count(*) FILTER (seq > 0) AS nats, count(*) FILTER (seq = 0 AND ts >= ${end}) AS live FROM (${rows})`,
      )
    ).getRowObjectsJS();
    return {
      demo: Number(r.demo),
      nats: Number(r.nats),
      live: Number(r.live),
      unlisted: files.filter((f) => f.endsWith('.parquet') && !f.split('/').pop()!.startsWith('.') && !listed.includes(f)),
      tmp: files.filter((f) => f.endsWith('.tmp')),
    };
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

describe('removing the unsequenced rows before a time', () => {
  it('drops whole parts, rewrites the boundary and mixed ones, and keeps every sequenced or later row', async () => {
    const store = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
    await fill(store);
    expect(await census()).toMatchObject({ demo: demo.length + lateDemo.length, nats: nats.length, live: live.length });
    const hoursBefore = (await archiveFiles(join(dir, 'archive'))).length;
    const result = await store.removeUnsequencedBefore(END);
    // 10:00 held only demo rows; 11:00 and 12:00 held NATS rows beside them; 13:00 holds none of the demo's.
    expect(result).toEqual({ hot: lateDemo.length, archived: demo.length, partsDropped: 1, partsRewritten: 2 });
    expect(await store.counts()).toMatchObject({ hot: 0, archived: nats.length + live.length });
    await store.close();
    expect(await census()).toEqual({ demo: 0, nats: nats.length, live: live.length, unlisted: [], tmp: [] });
    expect((await archiveFiles(join(dir, 'archive'))).length).toBe(hoursBefore - 1);
    // Again: nothing left to do.
    const again = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
    expect(await again.removeUnsequencedBefore(END)).toEqual({ hot: 0, archived: 0, partsDropped: 0, partsRewritten: 0 });
    await again.close();
  });

  const points: FaultPoint[] = ['prune:committed', 'prune:unlinked-one', 'prune:written', 'prune:before-commit'];
  it.each(points)('a crash at %s leaves the archive as its catalogue, and the next run finishes', async (point) => {
    const store = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
    await fill(store);
    await store.close();
    let armed = true;
    const crashing = await HistoryStore.open({
      dataDir: dir,
      graceMs: 0,
      faults: (p) => {
        if (armed && p === point) {
          armed = false;
          throw new Error(`crash at ${p}`);
        }
      },
    });
    await expect(crashing.removeUnsequencedBefore(END)).rejects.toThrow(`crash at ${point}`);
    await crashing.close();
    // Reopening finishes what the crash left: no stray file, every sequenced and later row where it was.
    const reopened = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
    await reopened.close();
    const after = await census();
    expect(after).toMatchObject({ nats: nats.length, live: live.length, unlisted: [], tmp: [] });
    const finishing = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
    await finishing.removeUnsequencedBefore(END);
    await finishing.close();
    expect(await census()).toEqual({ demo: 0, nats: nats.length, live: live.length, unlisted: [], tmp: [] });
  });
});
