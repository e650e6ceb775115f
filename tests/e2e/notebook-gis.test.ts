// A GeoPackage in British National Grid opened in the notebook's Sources panel by its path, as an analyst
// does: the view listed with its layer, CRS and columns, its other layer opened as a view of its own, a
// cell over it shown on the map as shapes — in both themes, pictures kept under test-results/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hook, type NotebookPage, openNotebookPage, writeGisFixtures, type GisFixtures } from '../helpers';

let nb: NotebookPage;
let page: Page;
let files: GisFixtures;
const shots = join(process.cwd(), 'test-results', 'notebook-gis');

beforeAll(async () => {
  nb = await openNotebookPage();
  page = nb.page;
  mkdirSync(join(nb.web.dataDir, 'gis'));
  files = await writeGisFixtures(join(nb.web.dataDir, 'gis'));
  mkdirSync(shots, { recursive: true });
});
afterAll(() => nb?.stop());

async function pictures(name: string): Promise<void> {
  for (const theme of ['dark', 'light'] as const) {
    if ((await page.locator('html').getAttribute('data-theme')) !== theme) {
      await page.getByRole('application', { name: 'Map' }).click({ position: { x: 30, y: 30 } });
      await page.keyboard.press('t');
      await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe(theme);
    }
    for (const [w, h] of [
      [1440, 900],
      [1280, 720],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: join(shots, `${name}-${theme}-${w}x${h}.png`) });
    }
  }
}

it('opens a GeoPackage by its path as a view in WGS84, lists its layer and columns, opens its other layer, and maps a cell over it', async () => {
  await page.getByRole('button', { name: 'Open file' }).click();
  const form = page.getByRole('form', { name: 'Open file' });
  await form.getByRole('textbox').fill(files.gpkg);
  await form.getByRole('button', { name: 'Open' }).click();

  const sources = page.getByRole('region', { name: 'Sources' });
  const zones = sources.getByText('zones', { exact: true });
  await zones.waitFor({ timeout: 30_000 });
  expect(await sources.locator('details').first().locator('summary').textContent()).toContain(`geopackage · layer zones · EPSG:27700 → WGS84 · ${files.gpkg}`);
  await zones.click(); // unfolds it
  expect(await sources.getByRole('list', { name: 'Columns of zones' }).getByRole('listitem').allTextContents()).toEqual([
    'fid BIGINT',
    'name VARCHAR',
    'geom GEOMETRY',
  ]);

  // The file's other layer, as a view of its own.
  const others = sources.getByRole('form', { name: 'Other layers of zones' });
  expect(await others.getByRole('combobox', { name: 'Layer' }).locator('option').allTextContents()).toEqual(['depots (1 feature)']);
  await pictures('sources');
  await others.getByRole('button', { name: 'Open layer' }).click();
  await sources.getByText('zones_depots', { exact: true }).waitFor({ timeout: 15_000 });
  expect((await nb.call('notebooks.sources', {})).map((s) => [s.view, s.layer, s.crs])).toEqual([
    ['zones', 'zones', 'EPSG:27700'],
    ['zones_depots', 'depots', 'EPSG:27700'],
  ]);

  // A cell over the view: its shapes as GeoJSON text, which Show on map draws.
  const cell = await nb.addSqlCell('SELECT name, ST_AsGeoJSON(geom) AS geometry FROM zones WHERE NOT ST_IsEmpty(geom) ORDER BY name');
  await cell.getByRole('button', { name: 'Run cell' }).click();
  const grid = cell.getByRole('grid', { name: 'Result' });
  await grid.waitFor({ timeout: 30_000 });
  expect(await grid.getAttribute('aria-rowcount')).toBe('4');
  const label = (await cell.getAttribute('aria-label'))!;
  await cell.getByRole('button', { name: 'Show on map' }).click();
  await expect.poll(async () => (await hook(page, 'layerIds')).some((id) => id.startsWith('notebook-')), { timeout: 15_000 }).toBe(true);
  await page.getByRole('figure', { name: `Legend: ${label}` }).waitFor({ timeout: 15_000 });
  await pictures('mapped');
});
