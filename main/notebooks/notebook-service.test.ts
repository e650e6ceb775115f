import { tableFromIPC } from 'apache-arrow';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRows, tempDir } from '../../tests/helpers/history-fixtures';
import { HistoryStore } from '../history';
import { NotebookQueryError, NotebookService } from './notebook-service';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 5, 1, 8);
let dir: string;
let cleanup: () => Promise<void>;
let store: HistoryStore;
let notebooks: NotebookService;
let published: { count: number; sumLat: number };

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  store = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
  // An hour and a half of fixes: the first hour archived, the rest still hot.
  const rows = makeRows(9000, { startTs: start, stepMs: 4000 });
  await store.commit({ stream: 'S', rows, quarantined: [], highWater: BigInt(rows.length) });
  await store.roll(start + HOUR);
  published = { count: rows.length, sumLat: rows.reduce((s, r) => s + r.lat, 0) };
  notebooks = await NotebookService.start(dir, { threads: 1, memoryLimitMb: 256, maxRows: 100_000, snapshotMaxAgeMs: 0 }, () => ({
    dataDir: dir,
    history: store,
  }));
});

afterAll(async () => {
  await notebooks?.close();
  await store?.close();
  await cleanup();
});

describe('the notebook thread', () => {
  it('sees archive and hot rows as one positions view: no gap, no duplicate at the seam', async () => {
    const counts = await store.counts();
    expect(counts.archived).toBeGreaterThan(0);
    expect(counts.hot).toBeGreaterThan(0);
    const summary = await notebooks.run('seam', 'SELECT count(*) AS n, sum(lat) AS lat, count(DISTINCT seq) AS seqs FROM positions');
    expect(summary).toMatchObject({ rows: 1, truncated: false });
    expect(summary.columns.map((c) => c.name)).toEqual(['n', 'lat', 'seqs']);
    const [row] = tableFromIPC(await notebooks.page('seam', 0, 10)).toArray() as { n: bigint; lat: number; seqs: bigint }[];
    expect(Number(row!.n)).toBe(published.count);
    expect(Number(row!.seqs)).toBe(published.count);
    expect(row!.lat).toBeCloseTo(published.sumLat, 6);
  });

  it('keeps the first rows of a large result to page through, and says it was cut', async () => {
    const summary = await notebooks.run('big', 'SELECT range AS i, range * 0.5 AS half FROM range(250000)');
    expect(summary).toMatchObject({ rows: 100_000, truncated: true });
    const page = tableFromIPC(await notebooks.page('big', 99_990, 50));
    expect(page.numRows).toBe(10);
    expect(page.getChild('i')!.toArray()[0]).toBe(99_990n);
    expect(page.getChild('half')!.get(9)).toBe(49_999.5);
  });

  it('has the H3 functions, equal to h3-js', async () => {
    await notebooks.run('h3', 'SELECT h3_string(h3_cell(40.7128, -74.006, 8)) AS hex, h3_cell(40.7128, -74.006, 8) AS cell');
    const [row] = tableFromIPC(await notebooks.page('h3', 0, 1)).toArray() as { hex: string; cell: bigint }[];
    expect(row!.hex).toBe(latLngToCell(40.7128, -74.006, 8));
    expect(row!.cell).toBe(BigInt(`0x${latLngToCell(40.7128, -74.006, 8)}`));
  });

  it('gives DuckDB’s message and where it points for bad SQL', async () => {
    const err = await notebooks.run('bad', 'SELECT 1\nFROM positions WHERE lat >< 3').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotebookQueryError);
    expect((err as NotebookQueryError).message).toMatch(/Scalar Function with name >< does not exist/);
    expect((err as NotebookQueryError).failure.at).toEqual({ line: 2, column: 26 });
  });

  it('cancels a long query within a second', async () => {
    const running = notebooks.run('long', 'SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1');
    await new Promise((r) => setTimeout(r, 300));
    const asked = Date.now();
    expect(await notebooks.cancel('long')).toBe(true);
    const err = await running.catch((e: unknown) => e);
    expect((err as NotebookQueryError).failure.cancelled).toBe(true);
    expect(Date.now() - asked).toBeLessThan(1000);
    // The thread goes on.
    await notebooks.run('after', 'SELECT 42 AS x');
    expect(
      tableFromIPC(await notebooks.page('after', 0, 1))
        .getChild('x')!
        .get(0),
    ).toBe(42);
  });
});
