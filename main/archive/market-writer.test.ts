import { latLngToCell } from 'h3-js';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cellKey, hexToCell } from '../../shared/h3-cell';
import { surgeMultiplier } from '../../shared/surge';
import { archiveMarketSnapshots } from './market-writer';
import { sqlString } from './layout';
import { withScratchDuckDB } from './scratch-duckdb';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hexwatch-market-archive-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const keyOf = (hex: string) => {
  const c = [0, 0];
  hexToCell(hex, c);
  return cellKey(c[0]!, c[1]!);
};

describe('market snapshots in the archive', () => {
  it('land as Parquet under market/date=…/hour=…, a row per cell and per cell and kind, each with its surge', async () => {
    const a = latLngToCell(40.75, -73.98, 8);
    const b = latLngToCell(40.7, -74.0, 8);
    const at = Date.UTC(2026, 11, 5, 21, 59);
    await archiveMarketSnapshots(dir, [
      {
        at,
        resolution: 8,
        keys: Float64Array.of(keyOf(a), keyOf(b)),
        supply: Float64Array.of(10, 0),
        demand: Float64Array.of(16, 3),
        kinds: [[keyOf(a), 'xl', 4, 9]],
      },
      { at: at + 60_000, resolution: 8, keys: Float64Array.of(keyOf(a)), supply: Float64Array.of(9), demand: Float64Array.of(14), kinds: [] },
    ]);
    const hours = readdirSync(join(dir, 'archive', 'market'), { recursive: true })
      .filter((p) => String(p).endsWith('.parquet'))
      .map(String)
      .sort();
    expect(hours.map((p) => p.split('/').slice(0, 2).join('/'))).toEqual(['date=2026-12-05/hour=21', 'date=2026-12-05/hour=22']);
    const rows = await withScratchDuckDB(async (c) =>
      (
        await c.runAndReadAll(
          `SELECT epoch_ms(ts) AS at, cell::VARCHAR AS cell, resolution, kind, supply, demand, surge, ratio FROM read_parquet(${sqlString(`${dir}/archive/market/**/*.parquet`)}) ORDER BY ts, cell, kind NULLS FIRST`,
        )
      ).getRowObjectsJson(),
    );
    const cell = (hex: string) => BigInt(`0x${hex}`).toString();
    expect(rows).toEqual(
      [
        { at, cell: cell(a), kind: null, supply: 10, demand: 16 },
        { at, cell: cell(a), kind: 'xl', supply: 4, demand: 9 },
        { at, cell: cell(b), kind: null, supply: 0, demand: 3 },
        { at: at + 60_000, cell: cell(a), kind: null, supply: 9, demand: 14 },
      ]
        .sort((x, y) => x.at - y.at || x.cell.localeCompare(y.cell) || (x.kind ?? '').localeCompare(y.kind ?? ''))
        .map((r) => ({ ...r, at: String(r.at), resolution: 8, surge: surgeMultiplier(r.supply, r.demand), ratio: r.supply / Math.max(1, r.demand) })),
    );
  });
});
