import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlString, withScratchDuckDB } from '../archive';
import { viewStatements } from './views';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hexwatch-views-fleet-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A positions part holding sequences `from..to` (seq 0 rows as they come: the simulator's). */
const part = (name: string, seqs: number[]) => {
  const file = join(dir, name);
  const rows = seqs
    .map((s, i) => `('d${i % 3}', TIMESTAMPTZ '2026-01-05 09:00:00+00' + INTERVAL (${i}) SECOND, 40.0, -74.0, 1::UBIGINT, ${s}::UBIGINT)`)
    .join(', ');
  return {
    file,
    sql: `COPY (SELECT *, NULL::DOUBLE AS speed, NULL::DOUBLE AS heading, NULL::DOUBLE AS accuracy, 'supply' AS kind, NULL::JSON AS props FROM (VALUES ${rows}) t(device_id, ts, lat, lon, h3, seq)) TO ${sqlString(file)} (FORMAT parquet)`,
  };
};

describe('the positions view over a fleet archive', () => {
  it('counts each stream sequence once across parts not compacted yet and the hot rows, keeps every unsequenced row, and reads compacted parts as they are', async () => {
    const compacted = part('compacted.parquet', [1, 2, 3]);
    const a = part('a.parquet', [10, 11, 12, 0]);
    const b = part('b.parquet', [12, 13, 0]); // 12: committed by both engines
    const hot = part('hot.parquet', [13, 14]); // 13: rolled and put in the place since the snapshot's hot rows were read
    const count = await withScratchDuckDB(async (c) => {
      for (const p of [compacted, a, b, hot]) await c.run(p.sql);
      for (const s of viewStatements({
        takenAt: 0,
        positions: { parts: [compacted.file], dedupe: [a.file, b.file], hot: hot.file },
        fenceEvents: { parts: [], mark: 0 },
      }))
        await c.run(s);
      return (
        await c.runAndReadAll('SELECT count(*) AS n, sum(seq)::BIGINT AS s, count(*) FILTER (WHERE seq = 0) AS zeros FROM positions')
      ).getRowObjectsJS()[0];
    });
    expect(count).toEqual({ n: 3n + 5n + 2n, s: BigInt(1 + 2 + 3 + 10 + 11 + 12 + 13 + 14), zeros: 2n });
  });
});
