import { latLngToCell } from 'h3-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqlString, withScratchDuckDB } from '../archive';
import { ConfigSchema } from '../config';
import { MarketService } from './market-service';

let dir: string;
let now: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexwatch-market-service-'));
  now = Date.UTC(2026, 11, 5, 21, 30);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = () => new MarketService({ dataDir: dir, settings: { ...ConfigSchema.parse({}).market, tickS: 3600 }, clock: () => now });
const requests = (n: number, lat: number, lon: number, kind?: string) =>
  Array.from({ length: n }, (_, i) => ({ id: `r-${lat}-${i}`, lat, lon, ts: now, ...(kind ? { kind } : {}) }));

describe('the market service', () => {
  it('snapshots a minute as it stands — cells and kinds alike — into the archive and the cell’s hour', async () => {
    const market = open();
    market.addDemand(requests(7, 40.75, -73.98, 'xl'));
    market.addDemand(requests(2, 40.75, -73.98));
    market.minute();
    await market.stop();
    const hex = latLngToCell(40.75, -73.98, 8);
    const rows = await withScratchDuckDB(async (c) =>
      (
        await c.runAndReadAll(
          `SELECT h3_string_hex, kind, demand FROM (SELECT lower(printf('%x', cell)) AS h3_string_hex, kind, demand FROM read_parquet(${sqlString(`${dir}/archive/market/**/*.parquet`)})) ORDER BY kind NULLS FIRST`,
        )
      ).getRowObjectsJson(),
    );
    expect(rows).toEqual([
      { h3_string_hex: hex, kind: null, demand: 9 },
      { h3_string_hex: hex, kind: 'xl', demand: 7 },
    ]);
  });

  it('gives a cell’s hour a point a minute, and only the cells inside a view', async () => {
    const market = open();
    market.addDemand(requests(3, 40.75, -73.98));
    market.addDemand(requests(5, 51.5, -0.12));
    market.minute();
    now += 60_000;
    market.addDemand(requests(4, 40.75, -73.98));
    market.minute();
    const detail = market.cellDetail(latLngToCell(40.75, -73.98, 8));
    expect(detail.history.map((p) => p.demand)).toEqual([3, 7]);
    const inLondon = market.cells({ bounds: { west: -0.2, south: 51.45, east: 0, north: 51.55 }, limit: 10 });
    expect(inLondon.cells.map((c) => [c.hex, c.demand])).toEqual([[latLngToCell(51.5, -0.12, 8), 5]]);
    await market.stop();
  });
});
