import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { cellToBoundary, cellToLatLng, cellToParent, getResolution, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerH3 } from './h3-functions';

let instance: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  c = await instance.connect();
  await registerH3(c);
  // 100k points over the whole sphere, poles and antimeridian included.
  await c.run('SELECT setseed(0.42)');
  await c.run('CREATE TABLE p AS SELECT asin(2 * random() - 1) * 180 / pi() AS lat, random() * 360 - 180 AS lon FROM range(100000)');
});
afterAll(() => {
  c.closeSync();
  instance.closeSync();
});

it.each([0, 5, 8, 11, 15])(
  'h3_cell, h3_string, h3_resolution, h3_parent, h3_lat and h3_lon at res %i equal h3-js on 100k points',
  async (res) => {
    const up = Math.max(0, res - 3);
    const rows = (
      await c.runAndReadAll(
        `SELECT lat, lon, h3_string(h3_cell(lat, lon, ${res})), h3_resolution(h3_cell(lat, lon, ${res})), h3_string(h3_parent(h3_cell(lat, lon, ${res}), ${up})),
              h3_lat(h3_cell(lat, lon, ${res})), h3_lon(h3_cell(lat, lon, ${res})) FROM p`,
      )
    ).getRows() as [number, number, string, number, string, number, number][];
    expect(rows).toHaveLength(100_000);
    let wrong = 0;
    for (const [lat, lon, hex, r, parent, clat, clon] of rows) {
      const want = latLngToCell(lat, lon, res);
      const [wlat, wlon] = cellToLatLng(want);
      if (hex !== want || r !== getResolution(want) || parent !== cellToParent(want, up) || clat !== wlat || clon !== wlon) wrong++;
    }
    expect(wrong).toBe(0);
    // 100k points through DuckDB and h3-js each: seconds on a loaded two-core machine, so more than vitest's 5 s default.
  },
  60_000,
);

it('gives NULL, not an error, for what is no cell or no resolution', async () => {
  const [row] = (
    await c.runAndReadAll(`SELECT h3_lat(42::UBIGINT), h3_cell(NULL, 1, 8), h3_cell(10, 10, 16), h3_parent(h3_cell(10, 10, 5), 7), h3_lon(NULL)`)
  ).getRows();
  expect(row).toEqual([null, null, null, null, null]);
});

it('keeps cells UBIGINT through every function that gives one (the map and GeoJSON export know cells by it)', async () => {
  const [row] = (await c.runAndReadAll(`SELECT typeof(h3_cell(10, 10, 9)), typeof(h3_parent(h3_cell(10, 10, 9), 7))`)).getRows();
  expect(row).toEqual(['UBIGINT', 'UBIGINT']);
});

it('gives a cell’s hexagon as GeoJSON text in lon/lat, as h3-js draws it, and NULL for what is no cell', async () => {
  const [row] = (
    await c.runAndReadAll(`SELECT h3_boundary(h3_cell(51.5, -0.12, 9)), h3_string(h3_cell(51.5, -0.12, 9)), h3_boundary(42::UBIGINT)`)
  ).getRows() as [string, string, null][];
  expect(JSON.parse(row![0])).toEqual({ type: 'Polygon', coordinates: [cellToBoundary(row![1], true)] });
  expect(row![2]).toBeNull();
});
