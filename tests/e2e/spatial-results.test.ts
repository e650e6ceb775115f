// Spatial SQL as an analyst meets it in Chromium (web mode, a real engine over a real nats-server): the
// fences' geom in a notebook grid as shortened WKT with the whole on hover, drawn on the map as shapes by
// Show on map, and the result exported as GeoParquet that a plain DuckDB (no hexwatch code) reads back.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Locator, Page } from 'playwright-core';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extensionFile, extensionFolders } from '../../main/notebooks/extensions';
import { colourDifference, decodePng, hook, type NotebookPage, openNotebookPage, pixelAt, resultsDir, waitFor } from '../helpers';

let nb: NotebookPage;
let page: Page;
const shots = join(resultsDir, 'spatial-results');

// Around the simulated fleet (Times Square): a circle and a square beside it.
const CENTRE: [number, number] = [-73.9851, 40.7589];
const SQUARE: [number, number][] = [
  [-73.97, 40.75],
  [-73.96, 40.75],
  [-73.96, 40.757],
  [-73.97, 40.757],
  [-73.97, 40.75],
];
const SQUARE_WKT = `POLYGON ((${SQUARE.map((p) => p.join(' ')).join(', ')}))`;

beforeAll(async () => {
  nb = await openNotebookPage();
  page = nb.page;
  await page.setViewportSize({ width: 1440, height: 900 });
  mkdirSync(shots, { recursive: true });
  await nb.call('fences.save', { fence: { id: 'depot', name: 'Depot', geometry: { type: 'Circle', center: CENTRE, radius_m: 400 }, detect: ['enter'] } });
  await nb.call('fences.save', { fence: { id: 'square', name: 'Square', geometry: { type: 'Polygon', coordinates: [SQUARE] }, detect: ['inside'] } });
});

afterAll(async () => {
  await nb?.stop();
});

const layers = () => page.getByRole('dialog', { name: 'Layers' });

/** The map's colour at lon/lat, as a screenshot shows it. */
async function colourAt(points: [number, number][]): Promise<[number, number, number][]> {
  await waitFor(async () => !(await hook(page, 'view')).moving, { timeoutMs: 10_000, what: 'the map still' });
  const image = decodePng(await page.getByRole('application', { name: 'Map' }).screenshot({ animations: 'disabled' }));
  const at = await page.evaluate(
    (ps) => ps.map((p) => (globalThis as unknown as { __hexwatch: { project(p: [number, number]): [number, number] } }).__hexwatch.project(p)),
    points,
  );
  return at.map(([x, y]) => pixelAt(image, Math.round(x), Math.round(y)));
}

/** A plain DuckDB with spatial loaded (no hexwatch code): what reads back the files hexwatch wrote. */
async function plainDuckDB<T>(read: (query: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const spatial = extensionFolders()
    .map((f) => extensionFile(f.dir, 'spatial'))
    .find(Boolean)!;
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const c = await instance.connect();
  try {
    await c.run(`LOAD '${spatial}'`);
    return await read(async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS());
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

describe('a GEOMETRY result', () => {
  let cell: Locator;

  it('shows in the grid as shortened WKT, the whole on hover', async () => {
    await nb.typeSql(0, 'SELECT name, geom FROM fences ORDER BY name');
    cell = page.getByRole('region', { name: 'Cell 1' });
    await cell.getByRole('button', { name: 'Run cell' }).click();
    const grid = cell.getByRole('grid', { name: 'Result' });
    await grid.waitFor({ timeout: 30_000 });
    // The first column holds each row's Make fence button.
    expect(await grid.getByRole('columnheader').allTextContents()).toEqual(['', 'namevarchar', 'geomgeometry']);
    const [depot, square] = [grid.getByRole('row').nth(1).getByRole('gridcell').nth(2), grid.getByRole('row').nth(2).getByRole('gridcell').nth(2)];
    // A row shows … until its page of cells arrives.
    await expect.poll(() => square.textContent()).toBe('POLYGON ((-73.97 40.75, -73.96 40.75, -73.96 40.757, …))');
    await expect.poll(() => depot.textContent()).not.toBe('…');
    expect(await square.getAttribute('title')).toBe(SQUARE_WKT);
    // The circle's 65 vertices: cut in the cell, whole on hover.
    const shown = (await depot.textContent())!;
    expect(shown).toMatch(/^POLYGON \(\(-73\.98\d* 40\.75\d*, .*, …\)\)$/);
    expect(shown.length).toBeLessThanOrEqual(70);
    await depot.hover();
    const whole = (await depot.getAttribute('title'))!;
    expect(whole.startsWith(shown.slice(0, shown.indexOf(', …')))).toBe(true);
    expect(whole.match(/-?\d+(\.\d+)? -?\d+(\.\d+)?/g)).toHaveLength(65);
  });

  it('draws the fence shapes on the map with Show on map', async () => {
    // The heat and the fences' own layer off: what is drawn inside the shapes is the result's.
    await page.getByRole('application', { name: 'Map' }).click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Shift+L');
    await layers().waitFor();
    await page.getByRole('checkbox', { name: 'Live heatmap' }).uncheck();
    await page.getByRole('checkbox', { name: 'Fences', exact: true }).uncheck();
    await page.keyboard.press('Shift+L');
    // Inside the circle (off its centre, away from labels) and inside the square.
    const inside: [number, number][] = [
      [CENTRE[0] + 0.002, CENTRE[1] - 0.001],
      [-73.965, 40.7535],
    ];
    await cell.getByRole('button', { name: 'Show on map' }).click();
    await expect.poll(async () => (await hook(page, 'layerIds')).some((id) => /^notebook-.*-shapes/.test(id)), { timeout: 15_000 }).toBe(true);
    const legend = page.getByRole('figure', { name: `Legend: Cell 1` });
    await expect.poll(() => legend.textContent(), { timeout: 15_000 }).toContain('2 shapes');
    const drawn = await colourAt(inside);
    await page.screenshot({ path: join(shots, 'shapes-on-map.png') });
    await page.keyboard.press('t');
    await page.screenshot({ path: join(shots, 'shapes-on-map-other-theme.png') });
    await page.keyboard.press('t');
    await cell.getByRole('button', { name: 'Show on map' }).click();
    await expect.poll(async () => (await hook(page, 'layerIds')).some((id) => /^notebook-.*-shapes/.test(id)), { timeout: 15_000 }).toBe(false);
    const bare = await colourAt(inside);
    // The fill is translucent over the basemap: plainly another colour, not the same.
    for (let i = 0; i < inside.length; i++) expect(colourDifference(drawn[i]!, bare[i]!), `the shape's fill at ${inside[i]}`).toBeGreaterThan(15);
  });

  it('exports as GeoParquet that a plain DuckDB reads with its geo metadata and equal geometries', async () => {
    const download = page.waitForEvent('download');
    await cell.getByRole('button', { name: 'Export result' }).click();
    await cell.getByRole('menuitem', { name: 'GeoParquet (whole result)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.parquet$/);
    const path = (await file.path())!;
    expect(readFileSync(path).subarray(0, 4).toString()).toBe('PAR1');
    await plainDuckDB(async (query) => {
      const [kv] = await query(`SELECT decode(value) AS geo FROM parquet_kv_metadata('${path}') WHERE decode(key) = 'geo'`);
      const geo = JSON.parse(String(kv!.geo)) as {
        version: string;
        primary_column: string;
        columns: Record<string, { encoding: string; crs?: { id?: unknown } }>;
      };
      expect([geo.version, geo.primary_column, geo.columns.geom!.encoding, geo.columns.geom!.crs?.id]).toEqual([
        '1.0.0',
        'geom',
        'WKB',
        { authority: 'EPSG', code: 4326 },
      ]);
      expect(
        await query(
          `SELECT name, ST_NPoints(geom) AS n, ST_Equals(geom, ST_GeomFromText('${SQUARE_WKT}')) AS square FROM read_parquet('${path}') ORDER BY name`,
        ),
      ).toEqual([
        { name: 'Depot', n: 65, square: false },
        { name: 'Square', n: 5, square: true },
      ]);
    });
  });
});

describe('the Fences panel', () => {
  it('exports every fence as a GeoPackage from its Export fences menu', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('button', { name: 'Fences', exact: true }).click();
    await page.getByRole('button', { name: 'Export fences' }).click();
    const menu = page.getByRole('menu', { name: 'Export every fence as' });
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['GeoJSON', 'GeoParquet', 'GeoPackage', 'Shapefile (zip)', 'FlatGeobuf']);
    await page.screenshot({ path: join(shots, 'fences-export-menu.png') });
    const download = page.waitForEvent('download');
    await menu.getByRole('menuitem', { name: 'GeoPackage' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('fences.gpkg');
    const path = (await file.path())!;
    await plainDuckDB(async (query) => {
      expect(await query(`SELECT l.name FROM (SELECT UNNEST(layers) AS l FROM ST_Read_Meta('${path}'))`)).toEqual([{ name: 'fences' }]);
      expect(await query(`SELECT id, radius_m, ST_GeometryType(geom)::VARCHAR AS type FROM ST_Read('${path}') ORDER BY id`)).toEqual([
        { id: 'depot', radius_m: 400, type: 'POLYGON' },
        { id: 'square', radius_m: null, type: 'POLYGON' },
      ]);
    });
  });

  it('exports the fence events the feed filters as a zipped Shapefile', async () => {
    // A fence over the whole fleet, then a fix of each device: an event for each one inside.
    await nb.call('fences.save', {
      fence: { id: 'fleet', name: 'Fleet', geometry: { type: 'Rectangle', bbox: [-74.1, 40.65, -73.85, 40.87] }, detect: ['inside'] },
    });
    await nb.publishMore();
    const count = async () => {
      await nb.call('notebooks.run', { queryId: 'events', sql: "SELECT count(*) AS n FROM fence_events WHERE fence_id = 'fleet'" });
      const [row] = tableFromIPC(new Uint8Array(await nb.call('notebooks.page', { queryId: 'events', offset: 0, limit: 1 }))).toArray() as { n: bigint }[];
      return Number(row!.n);
    };
    await waitFor(async () => (await count()) > 0, { timeoutMs: 30_000, what: 'fence events of the fleet fence' });
    await page.getByRole('combobox', { name: 'Filter events by fence' }).selectOption('fleet');
    await page.getByRole('button', { name: 'Export events' }).click();
    await page.keyboard.press('t');
    await page.screenshot({ path: join(shots, 'events-export-menu-other-theme.png') });
    await page.keyboard.press('t');
    const download = page.waitForEvent('download');
    await page.getByRole('menu', { name: 'Export the filtered fence events as' }).getByRole('menuitem', { name: 'Shapefile (zip)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('fence-events.shp.zip');
    // Saved under its name: GDAL finds the archive in a /vsizip/ path by its .zip.
    const path = join(shots, file.suggestedFilename());
    await file.saveAs(path);
    // The events were recorded with the fixes' commit, which publishMore waited for: the views hold them all.
    const inViews = await count();
    await plainDuckDB(async (query) => {
      const rows = await query(
        `SELECT DISTINCT fence_id, ST_GeometryType(geom)::VARCHAR AS type, count(*) OVER () AS n FROM ST_Read('/vsizip/${path}/fence_events.shp')`,
      );
      expect(rows).toEqual([{ fence_id: 'fleet', type: 'POINT', n: BigInt(inViews) }]);
    });
  });
});
