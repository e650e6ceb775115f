import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryError, QueryRunner } from './query-runner';

let instance: DuckDBInstance;
let runner: QueryRunner;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  runner = new QueryRunner(instance, 1000, { extensions: [] });
});
afterAll(() => {
  runner.close();
  instance.closeSync();
});

describe('a cancelled notebook query', () => {
  it('is stopped by a cancel that comes while its connection opens (before any statement runs)', async () => {
    const running = runner.run('early', 'SELECT 42 AS x', () => {});
    expect(runner.cancel('early')).toBe(true);
    const err = await running.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryError);
    expect(err).toMatchObject({ message: 'query cancelled', cancelled: true });
    // Ended: nothing left to cancel, and the runner goes on.
    expect(runner.cancel('early')).toBe(false);
    expect((await runner.run('after', 'SELECT 42 AS x', () => {})).rows).toBe(1);
  });

  it('is stopped by a cancel while it runs, at its first progress report', async () => {
    let cancelled = false;
    const err = await runner
      .run('long', 'SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1', () => {
        if (!cancelled) cancelled = runner.cancel('long');
      })
      .catch((e: unknown) => e);
    expect(cancelled).toBe(true);
    expect(err).toMatchObject({ message: 'query cancelled', cancelled: true });
  });
});

describe('a cancel at any moment of a cell of several statements', () => {
  it('stops the cell, wherever between its statements the cancel falls', async () => {
    const sql = 'CREATE OR REPLACE TEMP TABLE t AS SELECT 1 AS x;\nSELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1';
    // Cancels spread over the cell's first 6 ms: one between two statements used to be lost, and the cell ran on.
    for (let us = 0; us < 6000; us += 100) {
      const running = runner.run(`at-${us}`, sql, () => {});
      const t0 = performance.now();
      while (performance.now() - t0 < us / 1000) await new Promise((resolve) => setImmediate(resolve));
      runner.cancel(`at-${us}`);
      const ended = await running.then(
        () => 'ended with a result',
        (e: QueryError) => (e.cancelled ? 'cancelled' : e.message),
      );
      expect(ended, `cancelled ${us} µs after it started`).toBe('cancelled');
    }
  });
});
