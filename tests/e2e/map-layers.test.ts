// The map's layers are the analyst's, in Chromium against web mode (a real engine over a real nats-server):
// two notebook results drawn over each other (cells 2 and 3 of a new notebook), each a row of the Layers list; its checkbox, opacity, order
// (buttons and drag) and colours change what is drawn (read from the map's pixels), survive a reload and
// are saved with the cell; Remove takes a result off; the legend dock holds one legend per visible layer.
import { mkdirSync, readFileSync } from 'node:fs';
import { cellToLatLng } from 'h3-js';
import { tableFromIPC } from 'apache-arrow';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, hook, type NotebookPage, openNotebookPage, waitFor } from '../helpers';

let nb: NotebookPage;
let page: Page;
let cells: string[];
const CELLS_SQL = 'SELECT DISTINCT h3_string(h3_parent(h3, 8)) AS cell FROM positions';
const shots = 'test-results/map-layers';

beforeAll(async () => {
  nb = await openNotebookPage();
  page = nb.page;
  mkdirSync(shots, { recursive: true });
  await nb.call('notebooks.run', { queryId: 'cells', sql: `${CELLS_SQL} ORDER BY 1` });
  cells = (tableFromIPC(new Uint8Array(await nb.call('notebooks.page', { queryId: 'cells', offset: 0, limit: 1000 }))).toArray() as { cell: string }[]).map(
    (r) => r.cell,
  );
});

afterAll(async () => {
  await nb?.stop();
});

const layers = () => page.getByRole('dialog', { name: 'Layers' });
const row = (name: string) => layers().getByRole('listitem', { name, exact: true });
const rowNames = () =>
  layers()
    .getByRole('listitem')
    .evaluateAll((items) => items.map((i) => i.getAttribute('aria-label')));
/** The results' rows, top first. */
const resultRows = async () => (await rowNames()).filter((n) => n?.endsWith(' result'));

async function showOnMap(sql: string): Promise<Locator> {
  const cell = await nb.addSqlCell(sql);
  await cell.getByRole('button', { name: 'Run cell' }).click();
  await cell.getByRole('grid', { name: 'Result' }).waitFor({ timeout: 30_000 });
  await cell.getByRole('button', { name: 'Show on map' }).click();
  return cell;
}

/**
 * The colour drawn at the centres of the result's cells that no overlay covers, channel by channel the
 * median over them (a cell under a legend or a card says nothing about the map).
 */
async function colourAtCells(): Promise<[number, number, number]> {
  // Nothing moving: the map fitted to the result, no ease running.
  await waitFor(async () => !(await hook(page, 'view')).moving, { timeoutMs: 10_000, what: 'the map still' });
  const map = page.getByRole('application', { name: 'Map' });
  const covered = await map.evaluate((el) => {
    const frame = el.getBoundingClientRect();
    return [...(el.parentElement?.querySelectorAll('[data-map-overlay], .maplibregl-ctrl') ?? [])].map((o) => {
      const r = o.getBoundingClientRect();
      return [r.left - frame.left - 6, r.top - frame.top - 6, r.right - frame.left + 6, r.bottom - frame.top + 6];
    });
  });
  const image = decodePng(await map.screenshot());
  const samples: number[][] = [];
  // Every centre projected in one call: the map has not moved since the picture.
  const centres = await page.evaluate(
    (points) => {
      const hooks = (globalThis as unknown as { __hexwatch: { project(p: [number, number]): [number, number] } }).__hexwatch;
      return points.map((p) => hooks.project(p));
    },
    cells.map((hex) => cellToLatLng(hex).reverse() as [number, number]),
  );
  for (const [x, y] of centres.map((c) => c.map(Math.round) as [number, number])) {
    if (x < 4 || y < 4 || x >= image.width - 4 || y >= image.height - 4) continue;
    if (covered.some(([l, t, r, b]) => x >= l && x <= r && y >= t && y <= b)) continue;
    const at = (y * image.width + x) * 4;
    samples.push([image.data[at]!, image.data[at + 1]!, image.data[at + 2]!]);
  }
  expect(samples.length, 'result cells on screen, uncovered').toBeGreaterThan(3);
  const median = (k: number) => samples.map((s) => s[k]!).sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
  return [median(0), median(1), median(2)];
}

// The two results' colours, drawn at the strong end of their ramps (no value column to colour by).
const isMagenta = ([r, g, b]: number[]) => r > 120 && g < 90 && b > 90;
const isBlue = ([r, , b]: number[]) => b > 110 && r < 100 && b > r + 50;
let magenta: number[];
let blue: number[];
/** The blue result at half opacity over the magenta one: red well between the two's. */
const halfway = ([r]: number[]) => r > blue[0]! + 15 && r < magenta[0]! - 15;

describe('notebook results as layers', () => {
  it('lists each result with the live layers; its checkbox, opacity, order and colours change what is drawn', async () => {
    await showOnMap(CELLS_SQL);
    await page.getByRole('application', { name: 'Map' }).click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Shift+L');
    await row('Cell 2 result').waitFor({ timeout: 15_000 });
    // The places' names and the heat are the analyst's to turn off while reading the results alone.
    await page.getByRole('checkbox', { name: 'Place names' }).uncheck();
    await page.getByRole('checkbox', { name: 'Live heatmap' }).uncheck();
    expect(await hook(page, 'layerIds')).not.toContain('places-names');
    expect(isMagenta(await colourAtCells()), 'a result in its own colours, not the heat’s').toBe(true);

    // A second result over the same cells, in blues (chosen in its row): drawn over the first.
    await showOnMap('SELECT h3_string(h3_parent(h3, 8)) AS cell FROM positions GROUP BY 1');
    await row('Cell 3 result').waitFor({ timeout: 15_000 });
    await row('Cell 3 result').getByRole('combobox', { name: 'Cell 3 result colours' }).selectOption('blues');
    expect(await resultRows()).toEqual(['Cell 3 result', 'Cell 2 result']);
    await expect.poll(async () => isBlue(await colourAtCells()), { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: `${shots}/two-results.png` });

    // Order: the keyboard's Move down puts the first result on top again; a drag puts the second back.
    await row('Cell 3 result').getByRole('button', { name: 'Move Cell 3 result down' }).click();
    expect(await resultRows()).toEqual(['Cell 2 result', 'Cell 3 result']);
    await expect.poll(async () => isMagenta(await colourAtCells()), { timeout: 10_000 }).toBe(true);
    await row('Cell 3 result').getByTitle('Drag to reorder').dragTo(row('Cell 2 result'));
    expect(await resultRows()).toEqual(['Cell 3 result', 'Cell 2 result']);
    await expect.poll(async () => isBlue(await colourAtCells()), { timeout: 10_000 }).toBe(true);

    // Hidden, the one on top gives way to the one under it.
    await page.getByRole('checkbox', { name: 'Cell 3 result', exact: true }).uncheck();
    await expect.poll(async () => isMagenta(await colourAtCells()), { timeout: 10_000 }).toBe(true);
    magenta = await colourAtCells();
    await page.getByRole('checkbox', { name: 'Cell 3 result', exact: true }).check();
    await expect.poll(async () => isBlue(await colourAtCells()), { timeout: 10_000 }).toBe(true);
    blue = await colourAtCells();

    // Half opaque, the top one lets the one under it through.
    await page.getByRole('slider', { name: 'Cell 3 result opacity' }).fill('50');
    await expect.poll(async () => halfway(await colourAtCells()), { timeout: 10_000 }).toBe(true);
    expect((await hook(page, 'layerRows')).find((r) => r.name === 'Cell 3 result')).toMatchObject({ visible: true, opacity: 0.5 });
  });

  it('shows one legend per visible layer, titled with its layer, top layer first', async () => {
    const dock = page.getByRole('group', { name: 'Legends' });
    const legendNames = () => dock.getByRole('figure').evaluateAll((fs) => fs.map((f) => f.getAttribute('aria-label')));
    await expect.poll(legendNames).toEqual(['Legend: Cell 3 result', 'Legend: Cell 2 result']);
    const cell1 = dock.getByRole('figure', { name: 'Legend: Cell 2 result' });
    expect(await cell1.textContent()).toContain(`Cell 2 result${cells.length} cells`);
    await page.getByRole('checkbox', { name: 'Live heatmap' }).check();
    await expect.poll(legendNames).toEqual(['Legend: Cell 3 result', 'Legend: Cell 2 result', 'Legend: Live heatmap']);
    await page.getByRole('checkbox', { name: 'Cell 2 result', exact: true }).uncheck();
    await expect.poll(legendNames).toEqual(['Legend: Cell 3 result', 'Legend: Live heatmap']);
    await page.getByRole('checkbox', { name: 'Cell 2 result', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Live heatmap' }).uncheck();
    // Folded away to one button when the analyst wants the map, and kept so in the engine's preferences.
    await dock.getByRole('button', { name: 'Hide legends' }).click();
    await expect.poll(legendNames).toEqual([]);
    const folded = dock.getByRole('button', { name: 'Show legends' });
    expect(await folded.textContent()).toBe('Legends (2)');
    expect((await dock.boundingBox())!.height).toBeLessThan(40);
    await waitFor(async () => (await nb.call('preferences.get')).values['legends.collapsed'] === true, { timeoutMs: 5000, what: 'the folded dock saved' });
    await folded.click();
    await expect.poll(legendNames).toEqual(['Legend: Cell 3 result', 'Legend: Cell 2 result']);
  });

  it('keeps each result’s layer with its cell: in the saved .sql file, and across a reload', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save notebook' }).click();
    const text = readFileSync((await (await download).path())!, 'utf8');
    const views = [...text.matchAll(/^-- view: (.*)$/gm)].map((m) => JSON.parse(m[1]!) as { map?: boolean; layer?: Record<string, unknown> });
    expect(views.filter((v) => v.map).map((v) => v.layer)).toEqual([
      expect.objectContaining({ key: expect.any(String) }),
      expect.objectContaining({ key: expect.any(String), palette: 'blues', opacity: 0.5, visible: true }),
    ]);

    const before = await hook(page, 'layerRows');
    await page.reload({ waitUntil: 'load' });
    // The Notebooks panel comes back open with the reload.
    await page.getByRole('button', { name: 'Run all' }).click();
    await waitFor(async () => (await hook(page, 'layerRows')).filter((r) => r.kind === 'result').length === 2, {
      timeoutMs: 30_000,
      what: 'both results drawn again',
    });
    const after = await hook(page, 'layerRows');
    expect(after.map(({ name, visible, opacity }) => ({ name, visible, opacity }))).toEqual(
      before.map(({ name, visible, opacity }) => ({ name, visible, opacity })),
    );
    await page.getByRole('button', { name: 'Layers' }).click();
    expect(await row('Cell 3 result').getByRole('combobox', { name: 'Cell 3 result colours' }).inputValue()).toBe('blues');
    // Blue at half over magenta, as before the reload.
    await expect.poll(async () => halfway(await colourAtCells()), { timeout: 10_000 }).toBe(true);
    await page.screenshot({ path: `${shots}/after-reload.png` });
  });

  it('takes a result off the map with Remove', async () => {
    await row('Cell 3 result').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(resultRows).toEqual(['Cell 2 result']);
    const second = page.getByRole('region', { name: 'Cell 3', exact: true });
    expect(await second.getByRole('button', { name: 'Show on map' }).getAttribute('aria-pressed')).toBe('false');
    expect((await hook(page, 'layerIds')).filter((id) => id.startsWith('notebook-'))).toHaveLength(1);
    await expect.poll(async () => isMagenta(await colourAtCells()), { timeout: 10_000 }).toBe(true);
    // In the other theme, the result in the same colours.
    await page.screenshot({ path: `${shots}/one-result.png` });
    await page.keyboard.press('t');
    await page.screenshot({ path: `${shots}/one-result-other-theme.png` });
  });

  it('keeps a result on the map with the Notebooks panel closed; a hidden heatmap is said in its panel and shown again from the palette', async () => {
    await page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Heatmap' }).click();
    const heatmap = page.getByRole('region', { name: 'Heatmap' });
    await heatmap.waitFor();
    // The result stays, on the map and in Layers, until removed.
    expect((await hook(page, 'layerRows')).filter((r) => r.kind === 'result').map((r) => r.name)).toEqual(['Cell 2 result']);
    expect((await hook(page, 'layerIds')).filter((id) => id.startsWith('notebook-'))).toHaveLength(1);
    // The heat was unticked above: the panel says so rather than giving figures of cells not drawn.
    await heatmap.getByRole('note').getByText('Live heatmap is hidden in Layers.').waitFor();
    expect(await heatmap.getByText('Cells in view').count()).toBe(0);
    await page.screenshot({ path: `${shots}/heatmap-hidden.png` });
    // The palette shows and hides each listed layer by its name.
    const palette = async (words: string) => {
      await page.keyboard.press('Control+k');
      await page.getByRole('combobox', { name: 'Search commands' }).fill(words);
      return page.getByRole('dialog', { name: 'Command palette' }).getByRole('option').allInnerTexts();
    };
    expect(await palette('heatmap layer')).toEqual(expect.arrayContaining([expect.stringMatching(/^Layers\s+Show Live heatmap/)]));
    await page.getByRole('option', { name: /Show Live heatmap/ }).click();
    await expect.poll(async () => (await hook(page, 'layerRows')).find((r) => r.name === 'Live heatmap')?.visible).toBe(true);
    await heatmap.getByText('Cells in view').waitFor();
    await palette('hide live heatmap');
    await page.keyboard.press('Enter');
    await heatmap.getByRole('button', { name: 'Show Live heatmap' }).click();
    await heatmap.getByText('Cells in view').waitFor();
    // A search that finds nothing says so on one line.
    await palette('no such command at all');
    const none = page.getByRole('dialog', { name: 'Command palette' }).getByText(/^No command matches/);
    const [width, height, list] = await none.evaluate((el) => [
      el.getBoundingClientRect().width,
      el.getBoundingClientRect().height,
      el.parentElement!.clientWidth,
    ]);
    expect(width).toBeGreaterThan(list! * 0.8);
    expect(height).toBeLessThan(40);
    await page.keyboard.press('Escape');
    // Removed from Layers with the panel closed: off the map, and the cell knows.
    if (!(await layers().isVisible())) await page.getByRole('button', { name: 'Layers', exact: true }).click();
    await row('Cell 2 result').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(resultRows).toEqual([]);
    expect((await hook(page, 'layerIds')).filter((id) => id.startsWith('notebook-'))).toHaveLength(0);
    await page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Notebooks' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Cell 2', exact: true }).getByRole('button', { name: 'Show on map' }).getAttribute('aria-pressed'))
      .toBe('false');
  });
});
