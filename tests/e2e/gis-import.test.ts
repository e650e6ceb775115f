// A GeoPackage in British National Grid (written by DuckDB spatial's GDAL driver) imported as fences in
// Chromium against web mode: picked from the Fences panel's file chooser, previewed on the map (its pixels)
// and in the panel (layer, CRS, name column, refusals with reasons), then Import — two fences listed,
// drawn and in the engine's registry by name.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, fencesPage, hook, makeTempDir, resultsDir, waitFor, writeGisFixtures, type GisFixtures, type TempDir } from '../helpers';

const fp = fencesPage(['--simulator.devices', '200'], { width: 1440, height: 900 });
const shots = join(resultsDir, 'gis-import');
let dir: TempDir;
let fixtures: GisFixtures;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  dir = await makeTempDir('hexwatch-gis-e2e-');
  fixtures = await writeGisFixtures(dir.path);
});
afterAll(() => dir?.remove());

/** Map pixels in the preview's blue (either theme's). */
async function previewPixels(): Promise<number> {
  const box = (await fp.page.getByRole('application', { name: 'Map' }).boundingBox())!;
  const image = decodePng(await fp.page.screenshot({ clip: box }));
  const blues = [
    [56, 189, 248],
    [3, 105, 161],
  ];
  let n = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    const px = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
    if (blues.some((b) => b.every((v, k) => Math.abs(v - px[k]!) < 40))) n++;
  }
  return n;
}

const preview = () => fp.page.getByRole('region', { name: 'Import preview' });
const listed = (name: string) => preview().getByRole('list', { name }).getByRole('listitem').allTextContents();

describe('GIS files in', () => {
  it('previews a GeoPackage picked in the Fences panel: on the map, its layer, CRS and name column, and the features it refuses with reasons', async () => {
    const before = await previewPixels();
    const chooser = fp.page.waitForEvent('filechooser');
    await fp.page.getByRole('button', { name: 'Import file…' }).click();
    await (await chooser).setFiles(fixtures.gpkg);
    await preview().waitFor({ timeout: 10_000 });
    await expect.poll(() => preview().textContent(), { timeout: 20_000 }).toContain('from EPSG:27700');
    expect(await fp.page.getByLabel('Layer').inputValue()).toBe('zones');
    expect(await fp.page.getByLabel('Name column').inputValue()).toBe('name');
    expect(await listed('Fences to import')).toEqual(['Hole zone', 'Twin parks']);
    expect(await listed('Refused features')).toEqual(['Canal path: not a polygon: a LineString', 'Nothing yet: empty geometry']);
    // Drawn on the map (brought into view over London), with its row in the Layers list.
    await waitFor(async () => (await previewPixels()) > before + 2000, { timeoutMs: 20_000, what: 'the preview drawn on the map' });
    expect(await hook(fp.page, 'layerIds')).toContain('gis-preview');
    await fp.page.screenshot({ path: join(shots, 'preview-1440-light.png') });
    await fp.page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }).document.activeElement?.blur?.());
    await fp.page.keyboard.press('t');
    await fp.page.setViewportSize({ width: 1280, height: 720 });
    await waitFor(async () => (await previewPixels()) > 500, { timeoutMs: 10_000, what: 'the preview in the other theme' });
    await fp.page.screenshot({ path: join(shots, 'preview-1280-dark.png') });
    await fp.page.keyboard.press('t');
    await fp.page.setViewportSize({ width: 1440, height: 900 });
  });

  it('reads another layer when chosen, and names the fences by the column chosen', async () => {
    await fp.page.getByLabel('Layer').selectOption('depots');
    await expect.poll(() => listed('Fences to import'), { timeout: 20_000 }).toEqual(['Depot']);
    await fp.page.getByLabel('Layer').selectOption('zones');
    await expect.poll(() => listed('Fences to import'), { timeout: 20_000 }).toEqual(['Hole zone', 'Twin parks']);
    await fp.page.getByLabel('Name column').selectOption('');
    expect(await listed('Fences to import')).toEqual(['zones 1', 'zones 2']);
    await fp.page.getByLabel('Name column').selectOption('name');
    expect(await listed('Fences to import')).toEqual(['Hole zone', 'Twin parks']);
  });

  it('imports the two fences: listed, drawn, and in the engine by name with the hole and both parts kept', async () => {
    await fp.page.getByRole('button', { name: 'Import 2 fences' }).click();
    const report = fp.page.getByRole('status', { name: 'Import result' });
    await expect.poll(() => report.textContent(), { timeout: 10_000 }).toContain('2 imported, 2 refused');
    await preview().waitFor({ state: 'detached' });
    const saved = fp.page.getByRole('list', { name: 'Saved fences' });
    await saved.getByRole('listitem', { name: 'Hole zone' }).waitFor({ timeout: 10_000 });
    await saved.getByRole('listitem', { name: 'Twin parks' }).waitFor({ timeout: 10_000 });
    const fences = await fp.call('fences.list');
    const byName = Object.fromEntries(fences.map((f) => [f.name, f]));
    expect(byName['Hole zone']).toMatchObject({ id: 'zones.hole-zone', geometry: { type: 'Polygon' } });
    expect((byName['Hole zone']!.geometry as { coordinates: unknown[] }).coordinates).toHaveLength(2);
    expect(byName['Twin parks']).toMatchObject({ id: 'zones.twin-parks', geometry: { type: 'MultiPolygon' } });
    const ids = await hook(fp.page, 'layerIds');
    expect(ids).toContain('fences-areas');
    expect(ids).not.toContain('gis-preview');
    await fp.page.screenshot({ path: join(shots, 'imported-1440-light.png') });
    // A reprojected fence opens for editing like a drawn one: its outline in the drawing, corners to drag.
    await saved.getByRole('listitem', { name: 'Hole zone' }).getByRole('button', { name: 'Edit' }).click();
    await waitFor(async () => (await hook(fp.page, 'drawing')).mode === 'select' && (await hook(fp.page, 'drawing')).features === 1, {
      timeoutMs: 10_000,
      what: 'the imported fence open for editing',
    });
  });
});
