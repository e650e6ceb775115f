// A fence from a notebook's result, in Chromium against web mode over a fixture archive: a row's GeoJSON
// polygon (a point's row refused, with why) made into a fence by its row's button — the Fences panel shows
// it on the map and in the form, it backtests and saves; an edit of it (a corner dragged) shows what it
// gains and loses, equal to two backtests over RPC; and an H3 result's cells made into one outline.
import { gridDisk, latLngToCell } from 'h3-js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fence } from '../../shared/fence';
import { diffEvents, FenceEngine } from '../../main/fences';
import {
  archiveFenceScenario,
  type Call,
  callOf,
  colourDifference,
  connectRpc,
  decodePng,
  fenceScenario,
  hook,
  launchChromium,
  openPage,
  startWebMode,
  tempDir,
  type TestRpcClient,
  waitFor,
  type WebMode,
} from '../helpers';

let web: WebMode;
let rpc: TestRpcClient;
let browser: Browser;
let page: Page;
let cleanup: () => Promise<void>;
/** The scenario's polygon that its archived devices enter and leave most (holes and all). */
let polygon: { type: 'Polygon'; coordinates: [number, number][][] };

const call: Call = (method, params, timeoutMs) => callOf(rpc, 60_000)(method, params, timeoutMs);
const DAY = 24 * 3_600_000;
const SCENARIO = { devices: 200, fixesPerDevice: 200, stepMs: 100 };

beforeAll(async () => {
  const temp = await tempDir();
  cleanup = temp.cleanup;
  await archiveFenceScenario(temp.dir, SCENARIO);
  const { fences, fixes } = fenceScenario(SCENARIO);
  const enterExit = (f: Fence) => new FenceEngine([{ ...f, detect: ['enter', 'exit'] }]).update(fixes).length;
  const busiest = fences.filter((f) => f.geometry.type === 'Polygon').sort((a, b) => enterExit(b) - enterExit(a))[0]!;
  polygon = busiest.geometry as typeof polygon;

  web = await startWebMode({ dataDir: temp.dir, args: ['--simulator.devices', '10', '--simulator.ratePerSec', '10'] });
  const c = await connectRpc(web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
  if (!c.ok) throw new Error(c.error);
  rpc = c.client;
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1440, height: 900 } });
  await page.goto(web.url, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Notebooks' }).click();
  await page.getByRole('button', { name: 'New notebook' }).click();
}, 120_000);

afterAll(async () => {
  await rpc?.close();
  await browser?.close();
  await web?.stop();
  await cleanup?.();
});

/** Puts SQL into the `n`th cell's editor as a paste would (no bracket closing on the way), runs it, and waits for its grid. */
async function runSql(n: number, sql: string) {
  const cell = page.getByRole('region', { name: `Cell ${n + 1}` });
  await cell.getByRole('textbox', { name: 'SQL' }).click();
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText(sql);
  await cell.getByRole('button', { name: 'Run cell' }).click();
  await cell.getByRole('grid', { name: 'Result' }).waitFor({ timeout: 30_000 });
  return cell;
}

/** Whether the draft's outline (terra-draw's accent, or the draft's yellow) is drawn within a few px of each edge's middle. */
async function outlineDrawn(ring: [number, number][]): Promise<boolean> {
  const map = page.getByRole('application', { name: 'Map' });
  const image = decodePng(await map.screenshot());
  const colours = [
    [255, 122, 47],
    [255, 214, 10],
  ];
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x, y] = await hook(page, 'project', [(ring[i]![0] + ring[i + 1]![0]) / 2, (ring[i]![1] + ring[i + 1]![1]) / 2]);
    let near = false;
    for (let dy = -3; dy <= 3 && !near; dy++)
      for (let dx = -3; dx <= 3 && !near; dx++) {
        const at = (Math.round(y + dy) * image.width + Math.round(x + dx)) * 4;
        const px = [image.data[at]!, image.data[at + 1]!, image.data[at + 2]!];
        near = colours.some((c) => colourDifference(px, c) < 30);
      }
    if (!near) return false;
  }
  return true;
}

/** Pictures of the page now in both themes, for a person to look at (test-results/make-fence-<name>-<theme>.png). */
async function pictures(name: string) {
  for (const _ of [0, 1]) {
    await page.screenshot({ path: `test-results/make-fence-${name}-${await page.locator('html').getAttribute('data-theme')}.png` });
    const theme = await page.locator('html').getAttribute('data-theme');
    // Away from any field, so the theme's key is not typed into it.
    await page.getByRole('heading').first().click();
    await page.keyboard.press('t');
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).not.toBe(theme);
  }
}

async function backtestDay() {
  const panel = page.getByRole('region', { name: 'Fences' }).first();
  await panel.getByLabel('Backtest range').selectOption('day');
  await panel.getByRole('button', { name: 'Backtest', exact: true }).click();
  const result = panel.getByRole('region', { name: 'Backtest result' });
  await result.waitFor({ timeout: 60_000 });
  return result;
}

describe('a fence from a result', () => {
  it('Make fence from a result row: drawn on the map and in the form, backtested, saved; an edit shows what it gains and loses', async () => {
    const sql = `SELECT 'Depot north' AS name, '${JSON.stringify(polygon)}' AS geometry UNION ALL SELECT 'A stop', '{"type":"Point","coordinates":[13.4,52.5]}'`;
    const cell = await runSql(0, sql);
    // A point is no fence: its row's button says why.
    const pointRow = cell.getByRole('button', { name: 'Make fence from row 2' });
    await expect.poll(() => pointRow.getAttribute('title')).toBe('No fence: its geometry is a point: a fence needs an area (a polygon)');
    expect(await pointRow.getAttribute('aria-disabled')).toBe('true');
    await pictures('rows');
    expect((await hook(page, 'commands')).map((c) => c.title)).toContain('Make fence from result row (or from an H3 result’s cells)');

    await cell.getByRole('button', { name: 'Make fence from row 1' }).click();
    const form = page.getByRole('form', { name: 'New fence' });
    await form.waitFor({ timeout: 10_000 });
    expect(await form.getByLabel('Fence name').inputValue()).toBe('Depot north');
    expect(await form.textContent()).toContain('Made from Cell 1, row 1');
    expect(await form.textContent()).toContain(`polygon · ${polygon.coordinates[0]!.length - 1} corners`);
    await waitFor(async () => (await hook(page, 'drawing')).mode === 'select' && (await hook(page, 'drawing')).features === 1, {
      timeoutMs: 10_000,
      what: 'the draft in the drawing, selected for editing',
    });
    await waitFor(() => outlineDrawn(polygon.coordinates[0]!), { timeoutMs: 10_000, what: 'the draft’s outline on the map' });

    // Backtested as drawn: the same figures as fences.backtest of that polygon.
    const result = await backtestDay();
    const now = Date.now();
    const draft = { id: 'draft', name: 'Depot north', geometry: polygon, detect: ['enter', 'exit'] as Fence['detect'], targets: [], enabled: true };
    const expected = await call('fences.backtest', { fence: draft, from: now - DAY, to: now });
    expect(expected.events).toBeGreaterThan(0);
    expect(await result.textContent()).toContain(
      `${expected.events.toLocaleString('en-US')} events from ${expected.positions.toLocaleString('en-US')} positions`,
    );
    await pictures('draft');

    await form.getByRole('button', { name: 'Save fence' }).click();
    await waitFor(async () => (await call('fences.list')).some((f) => f.name === 'Depot north'), { timeoutMs: 10_000, what: 'the fence saved' });
    const saved = (await call('fences.list')).find((f) => f.name === 'Depot north')!;
    expect(saved.geometry).toEqual(polygon);

    // Edited: its first corner dragged outwards. Before Save, the backtest names what the edit gains and loses.
    await page.getByRole('listitem', { name: 'Depot north' }).getByRole('button', { name: 'Zoom to' }).click();
    await waitFor(async () => !(await hook(page, 'view')).moving, { timeoutMs: 10_000, what: 'the map at the fence' });
    await page.getByRole('listitem', { name: 'Depot north' }).getByRole('button', { name: 'Edit' }).click();
    await waitFor(async () => (await hook(page, 'drawing')).mode === 'select', { timeoutMs: 10_000, what: 'the fence open for editing' });
    const ring = polygon.coordinates[0]!.slice(0, -1);
    const [cx, cy] = ring.reduce(([a, b], [x, y]) => [a + x, b + y], [0, 0]).map((v) => v / ring.length);
    const box = (await page.getByRole('application', { name: 'Map' }).boundingBox())!;
    // The corner nearest the map's top right: clear of the legends at its lower left. Taken once the map has stopped at the fence.
    let [x0, y0] = [NaN, NaN];
    await waitFor(
      async () => {
        const pts = await Promise.all(ring.map((p) => hook(page, 'project', p)));
        const [x, y] = pts.reduce((best, p) => (p[0] - p[1] > best[0] - best[1] ? p : best));
        const still = x === x0 && y === y0;
        [x0, y0] = [x, y];
        return still;
      },
      { timeoutMs: 10_000, what: 'the map still at the fence' },
    );
    const [xc, yc] = await hook(page, 'project', [cx!, cy!]);
    await page.mouse.move(box.x + x0, box.y + y0);
    await page.mouse.down();
    await page.mouse.move(box.x + x0 + (x0 - xc) * 0.6, box.y + y0 + (y0 - yc) * 0.6, { steps: 8 });
    await page.mouse.up();
    const edited = page.getByRole('form', { name: 'Edit fence Depot north' });
    await expect.poll(() => edited.textContent()).toContain('polygon');
    const difference = (await backtestDay()).getByRole('region', { name: 'Backtest difference' });
    await difference.waitFor({ timeout: 10_000 });
    const shown = async (change: string) => {
      const label = await difference.getByRole('listitem').filter({ hasText: change }).getAttribute('aria-label');
      return Number(/: (\d+)$/.exec(label!)![1]);
    };
    const [gained, lost] = [await shown('gained'), await shown('lost')];
    expect(gained + lost).toBeGreaterThan(0);
    await difference.scrollIntoViewIfNeeded();
    await pictures('difference');

    // Saved, the edit's polygon is known: two backtests over RPC, diffed, give the same counts.
    await edited.getByRole('button', { name: 'Save fence' }).click();
    await waitFor(async () => (await call('fences.list')).find((f) => f.id === saved.id)?.version === saved.version + 1, {
      timeoutMs: 10_000,
      what: 'the edit saved',
    });
    const next = (await call('fences.list')).find((f) => f.id === saved.id)!;
    expect(next.geometry).not.toEqual(saved.geometry);
    const later = Date.now();
    const input = ({ version: _v, updated_at: _u, ...f }: Fence) => f;
    const [before, after] = await Promise.all(
      [saved, next].map((f) => call('fences.backtest', { fence: input(f), from: later - DAY, to: later, limit: 10_000 })),
    );
    expect(before!.events).toBeLessThan(10_000);
    expect(after!.events).toBeLessThan(10_000);
    const diff = diffEvents(before!.first, after!.first);
    expect([gained, lost]).toEqual([diff.gained.length, diff.lost.length]);
  });

  it('makes one fence of an H3 result’s cells, which backtests', async () => {
    const [lon, lat] = polygon.coordinates[0]![0]!;
    const cells = gridDisk(latLngToCell(lat, lon, 9), 1);
    await page.getByRole('button', { name: 'Notebooks' }).click();
    await page.getByRole('button', { name: 'Add SQL cell' }).click();
    const cell = await runSql(1, `SELECT h3 FROM (VALUES ${cells.map((c) => `('${c}')`).join(', ')}) t(h3)`);
    await cell.getByRole('button', { name: 'Make fence from all 7 cells' }).click();
    const form = page.getByRole('form', { name: 'New fence' });
    await form.waitFor({ timeout: 10_000 });
    expect(await form.textContent()).toContain('Made from Cell 2: 7 H3 cells');
    expect(await form.textContent()).toContain('polygon · 18 corners');
    await waitFor(async () => (await hook(page, 'drawing')).features === 1, { timeoutMs: 10_000, what: 'the outline in the drawing' });
    const result = await backtestDay();
    expect(await result.textContent()).toMatch(/events from [\d,]+ positions/);
  });
});
