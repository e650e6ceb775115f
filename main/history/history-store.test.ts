import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryStore } from './history-store';
import { archiveFiles, makeRows, outsideQuery, tempDir } from '../../tests/helpers/history-fixtures';
import type { PositionRow } from './tables';

const T0 = Date.UTC(2024, 0, 1, 22, 30); // 2024-01-01 22:30 UTC: a batch from here crosses hours and a date
const LATER = Date.UTC(2024, 0, 3);

let dir: string;
let cleanup: () => Promise<void>;
let store: HistoryStore | undefined;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  await cleanup();
});

const open = async (extra: Partial<Parameters<typeof HistoryStore.open>[0]> = {}) => (store = await HistoryStore.open({ dataDir: dir, graceMs: 0, ...extra }));

describe('commit and the committed sequences', () => {
  it('commits rows, quarantine and the high-water mark together, and reads them back', async () => {
    const s = await open();
    expect(await s.highWater('POSITIONS')).toBe(0n);
    await s.commit({ stream: 'POSITIONS', rows: makeRows(100, { startTs: T0 }), quarantined: [], highWater: 100n });
    expect(await s.highWater('POSITIONS')).toBe(100n);
    expect(await s.highWater('OTHER')).toBe(0n);
    await s.commit({
      stream: 'POSITIONS',
      rows: makeRows(50, { startTs: T0, firstSeq: 102 }),
      quarantined: [{ seq: 101n, subject: 'pos.x', raw: new TextEncoder().encode('{bad'), reason: 'invalid_json', detail: 'x', received: T0 }],
      highWater: 151n,
    });
    expect(await s.highWater('POSITIONS')).toBe(151n);
    expect(await s.counts()).toEqual({ hot: 150, archived: 0, quarantined: 1 });
  });

  it('keeps exact ranges when ingest reports them, gaps included', async () => {
    const s = await open();
    await s.commit({ stream: 'S', rows: makeRows(3, { startTs: T0, firstSeq: 1 }), quarantined: [], committed: [[1, 3]] });
    await s.commit({
      stream: 'S',
      rows: makeRows(2, { startTs: T0, firstSeq: 7 }),
      quarantined: [],
      committed: [
        [1, 3],
        [7, 8],
      ],
    });
    expect(await s.committedRanges('S')).toEqual([
      [1, 3],
      [7, 8],
    ]);
    expect(await s.highWater('S')).toBe(3n);
    await s.commit({
      stream: 'S',
      rows: makeRows(3, { startTs: T0, firstSeq: 4 }),
      quarantined: [],
      committed: [
        [1, 3],
        [4, 6],
        [7, 8],
      ],
    });
    expect(await s.committedRanges('S')).toEqual([[1, 8]]);
    expect(await s.highWater('S')).toBe(8n);
  });

  it('commits nothing when any part of the batch fails', async () => {
    const s = await open();
    await s.commit({ stream: 'S', rows: makeRows(10, { startTs: T0 }), quarantined: [], highWater: 10n });
    const bad: PositionRow[] = [...makeRows(5000, { startTs: T0, firstSeq: 11 }), { ...makeRows(1, { startTs: T0 })[0], seq: 5011n, ts: Number.NaN }];
    await expect(s.commit({ stream: 'S', rows: bad, quarantined: [], highWater: 5011n })).rejects.toThrow();
    const nulls = makeRows(3, { startTs: T0, firstSeq: 11 }).map((r) => ({ ...r, device_id: null as unknown as string }));
    await expect(s.commit({ stream: 'S', rows: nulls, quarantined: [], highWater: 13n })).rejects.toThrow();
    await expect(s.commit({ stream: 'S', rows: makeRows(1, { startTs: T0 }), quarantined: [] })).rejects.toThrow(/highWater/);
    expect(await s.highWater('S')).toBe(10n);
    expect((await s.counts()).hot).toBe(10);
    // the connection is still usable after the rollbacks
    await s.commit({ stream: 'S', rows: makeRows(5, { startTs: T0, firstSeq: 11 }), quarantined: [], highWater: 15n });
    expect(await s.counts()).toEqual({ hot: 15, archived: 0, quarantined: 0 });
  });

  it('keeps everything across close and reopen', async () => {
    let s = await open({ graceMs: 3_600_000 });
    const rows = makeRows(3000, { startTs: T0, stepMs: 20_000 }); // 22:30 → ~00:53
    await s.commit({
      stream: 'S',
      rows,
      quarantined: [{ seq: 3001n, subject: 'pos.a', raw: new Uint8Array([0, 1, 2]), reason: 'nan', detail: 'lat', received: T0 }],
      highWater: 3001n,
    });
    await s.roll(Date.UTC(2024, 0, 2, 1, 0)); // grace of an hour: only 22:00 and 23:00 are rolled
    const before = await s.counts();
    expect(before.archived).toBeGreaterThan(0);
    expect(before.hot).toBeGreaterThan(0);
    await s.close();
    store = undefined;
    s = await open();
    expect(await s.counts()).toEqual(before);
    expect(await s.highWater('S')).toBe(3001n);
    expect((await s.quarantine.get(3001n))?.raw).toEqual(new Uint8Array([0, 1, 2]));
  });
});

describe('roll into the Parquet archive', () => {
  it('keeps every string exactly: short and long, ASCII or not, empty, and nulls among them', async () => {
    const s = await open();
    const names = ['d', 'dev-12345678', 'dev-123456789', 'gerät-ü', 'камион-7', '🚚-1', 'a'.repeat(256), 'x y\tz'];
    const kinds = ['', 'supply', 'twelve-chars', 'thirteen-char', 'fähre', undefined];
    const rows = makeRows(3000, { startTs: T0, devices: 7 }).map((r, i) => ({ ...r, device_id: names[i % names.length], kind: kinds[i % kinds.length] }));
    await s.commit({ stream: 'S', rows, quarantined: [], highWater: 3000n });
    await s.roll(LATER);
    expect(plain(await archivedRows(s.archiveDir))).toEqual(bySeq(rows.map((r) => (r.kind === undefined ? (({ kind: _k, ...rest }) => rest)(r) : r))));
  });

  it('writes hive partitions with the exact layout, readable by a separate DuckDB with the contract types', async () => {
    const s = await open();
    const rows = makeRows(20_000, { startTs: T0, devices: 13, stepMs: 12_000 }); // 22:30 → ~03:38 next day
    await s.commit({ stream: 'S', rows, quarantined: [], highWater: 20_000n });
    const r = await s.roll(LATER);
    expect(r).toEqual({ partsWritten: 6, rowsArchived: 20_000, hoursCompacted: 0 });
    expect(await s.counts()).toEqual({ hot: 0, archived: 20_000, quarantined: 0 });

    const files = await archiveFiles(s.archiveDir);
    expect(files).toHaveLength(6);
    const dirs = files.map((f) => f.replace(/\/part-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.parquet$/, ''));
    expect(dirs).toEqual([
      'positions/date=2024-01-01/hour=22',
      'positions/date=2024-01-01/hour=23',
      'positions/date=2024-01-02/hour=00',
      'positions/date=2024-01-02/hour=01',
      'positions/date=2024-01-02/hour=02',
      'positions/date=2024-01-02/hour=03',
    ]);

    // ts is an instant (Parquet's isAdjustedToUTC), read as TIMESTAMPTZ, stored in microseconds (checked below).
    // A zero-padded hour=HH is not auto-cast to a number, so readers that want one pass hive_types.
    const types = await outsideQuery(s.archiveDir, `DESCRIBE SELECT * FROM read_parquet($GLOB, hive_partitioning = true)`);
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toEqual({
      device_id: 'VARCHAR',
      ts: 'TIMESTAMP WITH TIME ZONE',
      lat: 'DOUBLE',
      lon: 'DOUBLE',
      h3: 'UBIGINT',
      speed: 'DOUBLE',
      heading: 'DOUBLE',
      accuracy: 'DOUBLE',
      kind: 'VARCHAR',
      props: 'JSON',
      seq: 'UBIGINT',
      date: 'DATE',
      hour: 'VARCHAR',
    });
    const schema = await outsideQuery(
      s.archiveDir,
      `SELECT DISTINCT name, type, converted_type FROM parquet_schema($GLOB) WHERE name IN ('ts', 'h3', 'seq', 'props') ORDER BY name`,
    );
    expect(schema).toEqual([
      { name: 'h3', type: 'INT64', converted_type: 'UINT_64' },
      { name: 'props', type: 'BYTE_ARRAY', converted_type: 'JSON' },
      { name: 'seq', type: 'INT64', converted_type: 'UINT_64' },
      { name: 'ts', type: 'INT64', converted_type: 'TIMESTAMP_MICROS' },
    ]);
    const hours = await outsideQuery(
      s.archiveDir,
      `SELECT DISTINCT date, hour FROM read_parquet($GLOB, hive_partitioning = true, hive_types = {'hour': INTEGER}) ORDER BY ALL`,
    );
    expect(hours.map((h) => `${(h.date as Date).toISOString().slice(0, 10)} ${h.hour}`)).toEqual([
      '2024-01-01 22',
      '2024-01-01 23',
      '2024-01-02 0',
      '2024-01-02 1',
      '2024-01-02 2',
      '2024-01-02 3',
    ]);

    // Every row with its values, and partition columns that agree with its ts.
    expect(plain(await archivedRows(s.archiveDir))).toEqual(bySeq(rows));
    const [agg] = await outsideQuery(
      s.archiveDir,
      `SELECT count(*) FILTER (WHERE date <> ts::DATE OR hour::INTEGER <> hour(ts)) AS misplaced FROM read_parquet($GLOB, hive_partitioning = true)`,
    );
    expect(Number(agg.misplaced)).toBe(0);

    // Sorted by device then time inside each file.
    const [order] = await outsideQuery(
      s.archiveDir,
      `SELECT count(*) FILTER (WHERE prev_dev > device_id OR (prev_dev = device_id AND prev_ts > ts)) AS unsorted FROM (
         SELECT device_id, ts, lag(device_id) OVER w AS prev_dev, lag(ts) OVER w AS prev_ts
         FROM read_parquet($GLOB, filename = true, file_row_number = true)
         WINDOW w AS (PARTITION BY filename ORDER BY file_row_number))`,
    );
    expect(Number(order.unsorted)).toBe(0);

    // ZSTD throughout.
    const [codecs] = await outsideQuery(s.archiveDir, `SELECT list(DISTINCT compression) AS c FROM parquet_metadata($GLOB)`);
    expect(codecs.c).toEqual(['ZSTD']);
  });

  it('leaves the hours still within the grace period hot', async () => {
    const s = await open({ graceMs: 10 * 60_000 });
    await s.commit({ stream: 'S', rows: makeRows(900, { startTs: Date.UTC(2024, 0, 1, 10, 45), stepMs: 14_000 }), quarantined: [], highWater: 900n }); // 10:45 → ~11:15
    expect((await s.roll(Date.UTC(2024, 0, 1, 11, 5))).partsWritten).toBe(0); // 10:00 ended 5 min ago: still in grace
    const r = await s.roll(Date.UTC(2024, 0, 1, 11, 10));
    expect(r.partsWritten).toBe(1);
    const c = await s.counts();
    expect(c.hot + c.archived).toBe(900);
    expect(c.hot).toBeGreaterThan(0);
    expect(await archiveFiles(s.archiveDir)).toEqual([expect.stringMatching(/^positions\/date=2024-01-01\/hour=10\/part-[-0-9a-f]{36}\.parquet$/)]);
  });

  it('writes late data as another part of its hour, then compacts the hour into one part', async () => {
    const s = await open();
    const first = makeRows(5000, { startTs: T0 + 60_000, stepMs: 500 }); // within 22:xx
    await s.commit({ stream: 'S', rows: first, quarantined: [], highWater: 5000n });
    expect(await s.roll(LATER)).toEqual({ partsWritten: 1, rowsArchived: 5000, hoursCompacted: 0 });
    const late = makeRows(700, { startTs: T0 + 120_000, firstSeq: 5001, stepMs: 100 });
    await s.commit({ stream: 'S', rows: late, quarantined: [], highWater: 5700n });
    expect(await s.roll(LATER)).toEqual({ partsWritten: 2, rowsArchived: 700, hoursCompacted: 1 });
    const files = await archiveFiles(s.archiveDir);
    expect(files).toEqual([expect.stringMatching(/^positions\/date=2024-01-01\/hour=22\/part-[-0-9a-f]{36}\.parquet$/)]);
    expect(await s.counts()).toEqual({ hot: 0, archived: 5700, quarantined: 0 });
    expect(plain(await archivedRows(s.archiveDir))).toEqual(bySeq([...first, ...late]));
    expect((await s.roll(LATER)).partsWritten).toBe(0); // nothing left to do
  });

  it('keeps committing while an hour is being rolled', async () => {
    const s = await open();
    await s.commit({ stream: 'S', rows: makeRows(50_000, { startTs: T0, stepMs: 50 }), quarantined: [], highWater: 50_000n });
    const rolling = s.roll(LATER);
    let seq = 50_000;
    for (let k = 0; k < 10; k++) {
      await s.commit({
        stream: 'S',
        rows: makeRows(1000, { startTs: T0 + 1000, firstSeq: seq + 1, stepMs: 10 }),
        quarantined: [],
        highWater: BigInt(seq + 1000),
      });
      seq += 1000;
    }
    await rolling;
    await s.roll(LATER);
    expect(await s.counts()).toEqual({ hot: 0, archived: 60_000, quarantined: 0 });
    const [agg] = await outsideQuery(s.archiveDir, `SELECT count(*) AS n, count(DISTINCT seq) AS seqs FROM $GLOB`);
    expect([Number(agg.n), Number(agg.seqs)]).toEqual([60_000, 60_000]);
  });
});

describe('quarantine', () => {
  it('lists with a filter and paging, returns one with its bytes, counts per reason and purges', async () => {
    const s = await open();
    const reasons = ['invalid_json', 'lat_range', 'invalid_json', 'missing_id', 'invalid_json'];
    await s.commit({
      stream: 'S',
      rows: [],
      quarantined: reasons.map((reason, i) => ({
        seq: BigInt(i + 1),
        subject: `pos.f${i}`,
        raw: new TextEncoder().encode(`body-${i}`),
        reason,
        detail: `detail ${i}`,
        received: T0 + i * 1000,
      })),
      highWater: 5n,
    });
    expect(await s.quarantine.countsByReason()).toEqual({ invalid_json: 3, lat_range: 1, missing_id: 1 });
    const page = await s.quarantine.list({ reason: 'invalid_json', limit: 2, offset: 0 });
    expect(page.total).toBe(3);
    expect(page.items.map((e) => e.seq)).toEqual([5n, 3n]); // newest first
    expect(page.items[0]).toEqual({ seq: 5n, stream: 'S', subject: 'pos.f4', reason: 'invalid_json', detail: 'detail 4', received: T0 + 4000, bytes: 6 });
    expect((await s.quarantine.list({ reason: 'invalid_json', limit: 2, offset: 2 })).items.map((e) => e.seq)).toEqual([1n]);
    expect((await s.quarantine.list({ limit: 10, offset: 0 })).total).toBe(5);
    const one = await s.quarantine.get(4n);
    expect(one?.reason).toBe('missing_id');
    expect(new TextDecoder().decode(one?.raw)).toBe('body-3');
    expect(await s.quarantine.get(99n)).toBeUndefined();
    // Per reason per 2 s bucket: [T0, T0+2s) holds 1 and 2, and so on.
    expect(await s.quarantine.timeline(2000, T0)).toEqual([
      { at: T0, reason: 'invalid_json', count: 1 },
      { at: T0, reason: 'lat_range', count: 1 },
      { at: T0 + 2000, reason: 'invalid_json', count: 1 },
      { at: T0 + 2000, reason: 'missing_id', count: 1 },
      { at: T0 + 4000, reason: 'invalid_json', count: 1 },
    ]);
    const lines = (
      await s.quarantine.exportNdjson([
        { seq: 2n, stream: 'S' },
        { seq: 4n, stream: 'S' },
        { seq: 99n, stream: 'S' },
      ])
    )
      .trimEnd()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      {
        seq: '2',
        stream: 'S',
        subject: 'pos.f1',
        reason: 'lat_range',
        detail: 'detail 1',
        received: new Date(T0 + 1000).toISOString(),
        bytes: 6,
        raw: 'body-1',
        raw_base64: btoa('body-1'),
      },
      {
        seq: '4',
        stream: 'S',
        subject: 'pos.f3',
        reason: 'missing_id',
        detail: 'detail 3',
        received: new Date(T0 + 3000).toISOString(),
        bytes: 6,
        raw: 'body-3',
        raw_base64: btoa('body-3'),
      },
    ]);
    expect(await s.quarantine.purge({ reason: 'invalid_json', before: T0 + 2500 })).toBe(2);
    expect(await s.quarantine.countsByReason()).toEqual({ invalid_json: 1, lat_range: 1, missing_id: 1 });
    expect(await s.quarantine.purge({})).toBe(3);
    expect((await s.counts()).quarantined).toBe(0);
  });
});

describe('retention', () => {
  it('deletes whole expired hours and their folders, and keeps the rest', async () => {
    const s = await open({ retentionDays: 1 });
    const start = Date.UTC(2024, 0, 1, 0, 0);
    const rows = makeRows(4 * 24, { startTs: start, devices: 4, stepMs: 3_600_000 }); // 4 fixes in every hour for 24 h
    await s.commit({ stream: 'S', rows, quarantined: [], highWater: 96n });
    await s.roll(LATER);
    expect((await archiveFiles(s.archiveDir)).length).toBe(24);
    // At 2024-01-02 10:30 with 1 day of retention, hours 00:00–09:00 of Jan 1 have fully expired; 10:00 has not.
    expect(await s.applyRetention(Date.UTC(2024, 0, 2, 10, 30))).toBe(10);
    const files = await archiveFiles(s.archiveDir);
    expect(files.length).toBe(14);
    expect(files[0]).toMatch(/^positions\/date=2024-01-01\/hour=10\//);
    expect(await s.counts()).toEqual({ hot: 0, archived: 56, quarantined: 0 });
    expect(await s.applyRetention(Date.UTC(2024, 0, 2, 10, 30))).toBe(0);
    expect(await s.applyRetention(Date.UTC(2024, 0, 9))).toBe(14);
    expect(await archiveFiles(s.archiveDir)).toEqual([]);
  });

  it('keeps everything when retention is 0', async () => {
    const s = await open();
    await s.commit({ stream: 'S', rows: makeRows(10, { startTs: T0 }), quarantined: [], highWater: 10n });
    await s.roll(LATER);
    expect(await s.applyRetention(Date.UTC(2030, 0, 1))).toBe(0);
    expect((await s.counts()).archived).toBe(10);
  });
});

describe('DuckDB offline', () => {
  it('has Parquet and JSON built in, with extension downloads and autoloading switched off', async () => {
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const c = await instance.connect();
    const rows = (
      await c.runAndReadAll(`SELECT extension_name, loaded, install_mode FROM duckdb_extensions() WHERE extension_name IN ('parquet', 'json') ORDER BY 1`)
    ).getRowObjectsJS();
    expect(rows).toEqual([
      { extension_name: 'json', loaded: true, install_mode: 'STATICALLY_LINKED' },
      { extension_name: 'parquet', loaded: true, install_mode: 'STATICALLY_LINKED' },
    ]);
    c.closeSync();
    instance.closeSync();
  });
});

/** Every archived row as the PositionRow it came from, ordered by seq. */
async function archivedRows(archiveDir: string): Promise<PositionRow[]> {
  const rows = await outsideQuery(
    archiveDir,
    `SELECT seq, device_id, epoch_ms(ts) AS ts, lat, lon, h3, speed, heading, accuracy, kind, props::VARCHAR AS props FROM $GLOB ORDER BY seq`,
  );
  return rows.map((r) => {
    const row: Record<string, unknown> = { ...r, ts: Number(r.ts) };
    for (const k of Object.keys(row)) if (row[k] === null) delete row[k];
    return row as unknown as PositionRow;
  });
}

const bySeq = (rows: PositionRow[]) =>
  [...rows].sort((a, b) => (a.seq < b.seq ? -1 : 1)).map((r) => JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))));
const plain = (rows: PositionRow[]) => rows.map((r) => JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))));
