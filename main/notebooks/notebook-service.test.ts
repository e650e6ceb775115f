import { tableFromIPC } from 'apache-arrow';
import { cellToParent, latLngToCell } from 'h3-js';
import { decodeFrame } from '../../shared/heatmap-frame';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRows, tempDir } from '../../tests/helpers/history-fixtures';
import { archiveMarketSnapshots } from '../archive';
import { cellKey, hexToCell } from '../../shared/h3-cell';
import { surgeMultiplier } from '../../shared/surge';
import { HistoryStore } from '../history';
import { NotebookService } from './notebook-service';
import { NotebookQueryError } from './notebook-process';

const HOUR = 3_600_000;
const start = Date.UTC(2026, 5, 1, 8);
let dir: string;
let cleanup: () => Promise<void>;
let store: HistoryStore;
let notebooks: NotebookService;
let published: { count: number; sumLat: number };
let rows: ReturnType<typeof makeRows>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  store = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
  // An hour and a half of fixes: the first hour archived, the rest still hot.
  rows = makeRows(9000, { startTs: start, stepMs: 4000 });
  await store.commit({ stream: 'S', rows, quarantined: [], highWater: BigInt(rows.length) });
  await store.roll(start + HOUR);
  published = { count: rows.length, sumLat: rows.reduce((s, r) => s + r.lat, 0) };
  notebooks = await NotebookService.start(dir, { threads: 1, memoryLimitMb: 256, maxRows: 100_000, snapshotMaxAgeMs: 0, roots: [dir] }, () => ({
    dataDir: dir,
    history: store,
  }));
});

afterAll(async () => {
  await notebooks?.close();
  await store?.close();
  await cleanup();
});

describe('the notebook process', () => {
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

  it('reads the market’s minute snapshots as the market view', async () => {
    const empty = await notebooks.run('market-empty', 'SELECT count(*) AS n FROM market');
    expect(empty.rows).toBe(1);
    const c = [0, 0];
    hexToCell(latLngToCell(40.75, -73.98, 8), c);
    await archiveMarketSnapshots(dir, [
      { at: start, resolution: 8, keys: Float64Array.of(cellKey(c[0]!, c[1]!)), supply: Float64Array.of(4), demand: Float64Array.of(10), kinds: [] },
    ]);
    await notebooks.run('market', 'SELECT count(*) AS n, max(surge) AS surge, max(h3_string(cell)) AS cell FROM market WHERE kind IS NULL');
    const [row] = tableFromIPC(await notebooks.page('market', 0, 1)).toArray() as { n: bigint; surge: number; cell: string }[];
    expect(Number(row!.n)).toBe(1);
    expect(row!.surge).toBe(surgeMultiplier(4, 10));
    expect(row!.cell).toBe(latLngToCell(40.75, -73.98, 8));
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

  it('interrupts a query when its signal aborts, and never starts one aborted before it reached the thread', async () => {
    const abort = new AbortController();
    const off = notebooks.onProgress((p) => p.queryId === 'signalled' && abort.abort());
    const err = await notebooks
      .run('signalled', 'SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1', undefined, abort.signal)
      .catch((e: unknown) => e);
    off();
    expect((err as NotebookQueryError).failure.cancelled).toBe(true);

    const early = new AbortController();
    const ran = notebooks.run('early', 'SELECT 42 AS x', undefined, early.signal);
    early.abort();
    expect(((await ran.catch((e: unknown) => e)) as NotebookQueryError).failure.cancelled).toBe(true);
    await expect(notebooks.page('early', 0, 1)).rejects.toThrow(/no result "early"/);
  });

  it('plays the archive back as heatmap frames in the live codec: the window’s positions per cell, and cumulative', async () => {
    expect(await notebooks.range()).toEqual({ from: rows[0]!.ts, to: Math.max(...rows.map((r) => r.ts)), positions: rows.length });
    const t = start + 80 * 60_000;
    const world = { west: -180, south: -90, east: 180, north: 90 };
    const expected = (from: number) => {
      const cells = new Map<string, { n: number; devices: Set<string> }>();
      for (const r of rows.filter((r) => r.ts >= from && r.ts < t)) {
        const cell = cellToParent(r.h3.toString(16), 8);
        const c = cells.get(cell) ?? { n: 0, devices: new Set() };
        c.n++;
        c.devices.add(r.device_id);
        cells.set(cell, c);
      }
      return [...cells].map(([cell, c]) => [cell, c.n, c.devices.size]).sort();
    };
    const cellsOf = (buffer: ArrayBuffer) => {
      const f = decodeFrame(buffer);
      return Array.from({ length: f.count }, (_, i) => [
        ((BigInt(f.cellHi[i]!) << 32n) | BigInt(f.cellLo[i]!)).toString(16),
        f.positions[i],
        f.devices[i],
      ]).sort();
    };
    // The window straddles the seam: 10 minutes of archive, 10 of hot rows.
    const window = await notebooks.frame({ t, windowMs: 20 * 60_000, cumulative: false, resolution: 8, bounds: world });
    expect(decodeFrame(window)).toMatchObject({ resolution: 8, windowEnd: t, windowMs: 20 * 60_000 });
    expect(cellsOf(window)).toEqual(expected(t - 20 * 60_000));
    expect(cellsOf(await notebooks.frame({ t, windowMs: 60_000, cumulative: true, resolution: 8, bounds: world }))).toEqual(expected(0));
    // Out of bounds, nothing.
    expect(
      decodeFrame(await notebooks.frame({ t, windowMs: 60_000, cumulative: true, resolution: 8, bounds: { west: 0, south: 0, east: 1, north: 1 } })).count,
    ).toBe(0);
  });

  it('never builds a playback frame whose signal aborted before it reached the thread', async () => {
    const abort = new AbortController();
    const building = notebooks.frame(
      { t: start + HOUR, windowMs: 60_000, cumulative: true, resolution: 8, bounds: { west: -180, south: -90, east: 180, north: 90 } },
      { uid: 'c1-1', signal: abort.signal },
    );
    abort.abort();
    const err = await building.catch((e: unknown) => e);
    expect((err as NotebookQueryError).failure.cancelled).toBe(true);
  });

  it('gives a named result to later queries by its name, with errors still pointing into the cell', async () => {
    await notebooks.run('busy', 'SET VARIABLE since = 0;\nSELECT device_id, count(*) AS n FROM positions GROUP BY ALL', 'busy');
    await notebooks.run('later', 'SELECT count(*) AS devices, sum(n) AS fixes FROM busy');
    expect(
      tableFromIPC(await notebooks.page('later', 0, 1))
        .toArray()
        .map((r: { toJSON(): object }) => r.toJSON()),
    ).toEqual([{ devices: 7n, fixes: published.count }]);
    const err = (await notebooks.run('bad', 'SELECT 1;\nSELECT lat\nFROM positions WHERE lat >< 3', 'broken').catch((e: unknown) => e)) as NotebookQueryError;
    expect(err.failure.at).toEqual({ line: 3, column: 26 });
    const same = (await notebooks.run('x', 'SELECT lat FROM positions WHERE lat >< 3', 'broken').catch((e: unknown) => e)) as NotebookQueryError;
    expect(same.failure.at).toEqual({ line: 1, column: 37 });
    await expect(notebooks.run('y', 'SELECT 1', 'positions')).rejects.toThrow(/one of the engine's views/);
  });

  it('counts the nulls of each column among the rows kept', async () => {
    const summary = await notebooks.run('nulls', "SELECT CASE WHEN range % 3 = 0 THEN NULL ELSE range END AS a, 'x' AS b FROM range(300)");
    expect(summary.nulls).toEqual([100, 0]);
  });

  it('exports a result as GeoJSON: hexagons from an H3 column, points from lat/lon, shapes from GeoJSON text', async () => {
    const parse = (bytes: Buffer) =>
      JSON.parse(bytes.toString('utf8')) as {
        type: string;
        features: { geometry: { type: string; coordinates: unknown[] } | null; properties: Record<string, unknown> }[];
      };
    const hexes = parse(
      (await notebooks.export('SELECT h3_parent(h3, 7) AS cell, count(*) AS n, max(ts) AS last FROM positions GROUP BY 1 ORDER BY n DESC', 'geojson')).bytes,
    );
    expect(hexes.type).toBe('FeatureCollection');
    expect(hexes.features.reduce((n, f) => n + Number(f.properties.n), 0)).toBe(published.count);
    const first = hexes.features[0]!;
    expect(first.geometry!.type).toBe('Polygon');
    expect(first.properties.cell).toMatch(/^87[0-9a-f]{13}$/);
    expect(first.properties.last).toMatch(/^2026-06-01T/);
    const ring = first.geometry!.coordinates[0] as [number, number][];
    expect(ring[0]).toEqual(ring.at(-1));
    const points = parse((await notebooks.export('SELECT device_id, lat, lon FROM positions ORDER BY seq LIMIT 5', 'geojson')).bytes);
    expect(points.features.map((f) => f.geometry!.coordinates)).toEqual(rows.slice(0, 5).map((r) => [r.lon, r.lat]));
    const shapes = parse(
      (await notebooks.export(`SELECT 'a' AS id, '{"type":"Point","coordinates":[1,2]}' AS geometry UNION ALL SELECT 'b', 'not json'`, 'geojson')).bytes,
    );
    expect(shapes.features.map((f) => [f.properties, f.geometry])).toEqual([
      [{ id: 'a' }, { type: 'Point', coordinates: [1, 2] }],
      [{ id: 'b' }, null],
    ]);
    await expect(notebooks.export('SELECT 1 AS x', 'geojson')).rejects.toThrow(/nothing places this result/);
  });

  it('completes SQL as DuckDB does: views, the columns of what FROM names, functions', async () => {
    await notebooks.run('views', 'SELECT 1');
    const tables = await notebooks.complete('SELECT * FROM posi');
    expect(tables.from).toBe(14);
    expect(tables.options[0]).toEqual({ label: 'positions', type: 'table' });
    const columns = await notebooks.complete('SELECT device_id FROM positions WHERE la');
    expect(columns.options).toContainEqual({ label: 'lat', type: 'column' });
    const functions = await notebooks.complete('SELECT h3_par');
    expect(functions.options.map((o) => o.label)).toContain('h3_parent');
    expect(functions.options.every((o) => /^"?[A-Za-z_]/.test(o.label))).toBe(true);
  });
});
