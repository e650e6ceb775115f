import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryStore } from './history-store';
import { makeRows, tempDir } from '../../tests/helpers/history-fixtures';

const T0 = Date.UTC(2024, 0, 1, 10);
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

const walBytes = () => (existsSync(join(dir, 'history.duckdb.wal')) ? statSync(join(dir, 'history.duckdb.wal')).size : 0);

async function commitBatches(s: HistoryStore, batches: number, size: number, after = 0): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const first = after + b * size + 1;
    await s.commit({ stream: 'S', rows: makeRows(size, { startTs: T0, firstSeq: first }), quarantined: [], committed: [[1, first + size - 1]] });
  }
}

describe('checkpoints between commits', () => {
  it('checkpoints once checkpointRows are committed, emptying the write-ahead log, and keeps every row across a reopen', async () => {
    store = await HistoryStore.open({ dataDir: dir, graceMs: 0, checkpointRows: 100 });
    await commitBatches(store, 1, 60);
    await store.committedRanges('S'); // behind anything queued on the ingest session
    expect(store.checkpoints.taken).toBe(0);
    expect(walBytes()).toBeGreaterThan(0);
    await commitBatches(store, 1, 60, 60);
    await store.committedRanges('S');
    expect(store.checkpoints.taken).toBe(1);
    expect(walBytes()).toBe(0);
    await store.close();
    store = await HistoryStore.open({ dataDir: dir, graceMs: 0, checkpointRows: 100 });
    expect(await store.counts()).toMatchObject({ hot: 120 });
    expect(await store.committedRanges('S')).toEqual([[1, 120]]);
  });

  it('with checkpointRows 0 leaves checkpoints to DuckDB (none for a small log)', async () => {
    store = await HistoryStore.open({ dataDir: dir, graceMs: 0, checkpointRows: 0 });
    await commitBatches(store, 4, 60);
    await store.committedRanges('S');
    expect(store.checkpoints.taken).toBe(0);
    expect(walBytes()).toBeGreaterThan(0);
  });
});
