// Notebooks in Chromium against web mode, over positions published through a real nats-server: a query
// typed and run with Ctrl+Enter shows its rows in the Result grid (the same rows the engine answers over
// RPC); DuckDB's error is shown and underlined; a long query is cancelled within a second; the notebook
// saved as a .sql file opens again with the same cells.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, hook, type NotebookPage, openNotebookPage, waitFor } from '../helpers';

let nb: NotebookPage;
let page: Page;
const call: Call = (method, params) => nb.call(method, params);
const typeSql = (n: number, sql: string) => nb.typeSql(n, sql);
const cellTexts = (n: number) => nb.cellTexts(n);

beforeAll(async () => {
  nb = await openNotebookPage();
  page = nb.page;
});

afterAll(async () => {
  await nb?.stop();
});

/** What the page's script reads of an SVG text and of the browser's storage (the tests compile without the DOM's types). */
type Svg = {
  getBBox(): { x: number; y: number; width: number; height: number };
  getScreenCTM(): { a: number; b: number; c: number; d: number; e: number; f: number };
};
type Browser = { localStorage: { getItem(key: string): string | null } };

/** The text a SQL editor holds, without the placeholder an empty one shows. */
const typed = (editor: ReturnType<Page['getByRole']>) =>
  editor.evaluate((el) => {
    const copy = el.cloneNode(true) as typeof el;
    for (const p of copy.querySelectorAll('.cm-placeholder')) p.remove();
    return copy.textContent;
  });

describe('notebooks', () => {
  const perDevice = 'SELECT device_id, count(*) AS n, round(avg(lat), 6) AS lat FROM positions GROUP BY ALL ORDER BY device_id';

  it('starts a new notebook with an empty cell showing an example as its placeholder: what is typed is the query, and it runs', async () => {
    const cell = page.getByRole('region', { name: 'Cell 1' });
    const editor = cell.getByRole('textbox', { name: 'SQL' });
    expect(await page.getByRole('textbox', { name: 'SQL' }).count()).toBe(1);
    expect(await typed(editor)).toBe('');
    expect(await editor.getAttribute('aria-placeholder')).toMatch(/^SELECT .* FROM positions/);
    expect(await cell.locator('.cm-placeholder').isVisible()).toBe(true);
    const run = cell.getByRole('button', { name: 'Run cell' });
    expect(await run.isDisabled()).toBe(true);
    expect(await run.getAttribute('title')).toBe('Type a query to run');
    await editor.click();
    await page.keyboard.type('SELECT 6 * 7 AS answer');
    expect(await typed(editor)).toBe('SELECT 6 * 7 AS answer');
    await run.click();
    await expect.poll(() => cell.getByRole('grid', { name: 'Result' }).getByRole('gridcell').allTextContents(), { timeout: 30_000 }).toEqual(['42']);
  });

  it('runs a query over positions with Ctrl+Enter and shows the rows the engine answers', async () => {
    await typeSql(0, perDevice);
    await page.keyboard.press('Control+Enter');
    const grid = page.getByRole('grid', { name: 'Result' }).first();
    await expect.poll(() => grid.getAttribute('aria-rowcount'), { timeout: 30_000 }).toBe('41');
    expect(await grid.getByRole('columnheader').allTextContents()).toEqual(['device_idvarchar', 'nbigint', 'latdouble']);
    await expect.poll(async () => (await cellTexts(0))[0]?.[0]).not.toBe('…');

    // The same query over RPC, from another client.
    await call('notebooks.run', { queryId: 'check', sql: perDevice });
    const want = tableFromIPC(new Uint8Array(await call('notebooks.page', { queryId: 'check', offset: 0, limit: 12 })))
      .toArray()
      .map((r: { device_id: string; n: bigint; lat: number }) => [r.device_id, String(r.n), String(r.lat)]);
    expect((await cellTexts(0)).slice(0, 12)).toEqual(want);
    expect(want.every((r) => r[1] === '50')).toBe(true);
    expect(await page.getByRole('region', { name: 'Cell 1' }).getByRole('status').textContent()).toMatch(/^40 rows in \d/);
  });

  it('sorts the grid by a column from its header, filters its rows, and selects a cell', async () => {
    const cell = page.getByRole('region', { name: 'Cell 1' });
    const grid = cell.getByRole('grid', { name: 'Result' });
    const lat = grid.getByRole('columnheader', { name: /^lat/ });
    await lat.getByRole('button').click();
    expect(await lat.getAttribute('aria-sort')).toBe('ascending');
    // Sorting reads all the kept rows first: the sorted rows are there when a screenful has its values.
    const ready = async () => {
      const rows = await cellTexts(0);
      return rows.length > 5 && rows.every((r) => r[2] !== '…');
    };
    await expect.poll(ready).toBe(true);
    const asc = (await cellTexts(0)).map((r) => Number(r[2]));
    expect(asc.length).toBeGreaterThan(5);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await lat.getByRole('button').click();
    expect(await lat.getAttribute('aria-sort')).toBe('descending');
    await expect.poll(ready).toBe(true);
    const desc = (await cellTexts(0)).map((r) => Number(r[2]));
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect(desc[0]).toBeGreaterThanOrEqual(Math.max(...asc));

    const device = (await cellTexts(0))[0]![0]!;
    await cell.getByRole('searchbox', { name: 'Filter rows' }).fill(device);
    await expect.poll(() => grid.getAttribute('aria-rowcount')).toBe('2');
    expect((await cellTexts(0))[0]![0]).toBe(device);
    await cell.getByRole('searchbox', { name: 'Filter rows' }).fill('');
    await lat.getByRole('button').click(); // back to the query's own order
    expect(await lat.getAttribute('aria-sort')).toBe('none');
    await expect.poll(() => grid.getAttribute('aria-rowcount')).toBe('41');

    const first = grid.getByRole('gridcell').first();
    await first.click();
    expect(await first.getAttribute('aria-selected')).toBe('true');
  });

  it('shows DuckDB’s error and underlines where it points', async () => {
    await page.getByRole('button', { name: 'Add SQL cell' }).click();
    await typeSql(1, 'SELECT count(*)\nFROM positions WHERE lat >< 3');
    await page.getByRole('region', { name: 'Cell 2' }).getByRole('button', { name: 'Run cell' }).click();
    const alert = page.getByRole('region', { name: 'Cell 2' }).getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/Scalar Function with name >< does not exist/);
    const underlined = page.getByRole('region', { name: 'Cell 2' }).locator('.cm-lintRange-error');
    await expect.poll(() => underlined.count()).toBe(1);
    expect(await underlined.textContent()).toBe('><');
  });

  it('cancels a long query within a second', async () => {
    await typeSql(1, 'SELECT count(*) FROM range(100000000) a, range(100000) b WHERE a.range + b.range = -1');
    const cell = page.getByRole('region', { name: 'Cell 2' });
    await cell.getByRole('button', { name: 'Run cell' }).click();
    await cell.getByRole('button', { name: 'Cancel query' }).waitFor({ timeout: 10_000 });
    const asked = Date.now();
    await cell.getByRole('button', { name: 'Cancel query' }).click();
    await expect.poll(() => cell.getByRole('status').textContent(), { timeout: 5000 }).toBe('Cancelled.');
    expect(Date.now() - asked).toBeLessThan(1000);

    // The palette's Cancel query stops the query of the cell worked in, as its button does.
    await cell.getByRole('button', { name: 'Run cell' }).click();
    await cell.getByRole('button', { name: 'Cancel query' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Search commands' }).fill('cancel query');
    await expect
      .poll(() => page.getByRole('dialog', { name: 'Command palette' }).getByRole('option').allInnerTexts())
      .toEqual([expect.stringMatching(/^Notebooks\s+Cancel query/)]);
    await page.keyboard.press('Enter');
    await expect.poll(() => cell.getByRole('status').textContent(), { timeout: 5000 }).toBe('Cancelled.');
  });

  it('saves the notebook as a .sql file that opens again with the same cells', async () => {
    await page.getByRole('button', { name: 'Add notes' }).click();
    await page.getByRole('textbox', { name: 'Markdown' }).fill('# Per device\n\nFixes and mean latitude.');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save notebook' }).click();
    const file = (await (await download).path())!;
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(`-- %%\n${perDevice}\n`);
    expect(text).toContain('-- %% md\n-- # Per device\n--\n-- Fixes and mean latitude.\n');

    await page.getByRole('button', { name: 'New notebook' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'SQL' }).count()).toBe(1);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Open notebook' }).click();
    await (await chooser).setFiles(file);
    await expect.poll(() => page.getByRole('textbox', { name: 'SQL' }).count()).toBe(2);
    expect(await page.getByRole('textbox', { name: 'SQL' }).first().textContent()).toBe(perDevice);
    expect(await page.getByRole('heading', { name: 'Per device' }).count()).toBe(1);
  });

  it('draws a hex aggregation on the map with a legend, as a chart, and exports the whole result as CSV', async () => {
    const hexes = 'SELECT h3_string(h3_parent(h3, 8)) AS cell, count(*) AS n FROM positions GROUP BY ALL ORDER BY n DESC, cell';
    await page.getByRole('button', { name: 'Add SQL cell' }).click();
    const label = `Cell ${await page.getByRole('region', { name: /^Cell \d+$/ }).count()}`;
    const cell = page.getByRole('region', { name: label });
    await cell.getByRole('textbox', { name: 'SQL' }).click();
    await page.keyboard.type(hexes);
    await cell.getByRole('button', { name: 'Run cell' }).click();
    await cell.getByRole('grid', { name: 'Result' }).waitFor({ timeout: 30_000 });
    const rows = Number(await cell.getByRole('grid', { name: 'Result' }).getAttribute('aria-rowcount')) - 1;
    expect(rows).toBeGreaterThan(3);

    await cell.getByRole('button', { name: 'Show on map' }).click();
    const legend = page.getByRole('figure', { name: `Legend: ${label}` });
    await expect.poll(() => legend.textContent(), { timeout: 15_000 }).toContain(`${label} result${rows} cells by n`);
    const layers = () => hook(page, 'layerIds');
    await expect.poll(async () => (await layers()).some((id) => /^notebook-.*-hexes/.test(id))).toBe(true);

    await cell.getByRole('button', { name: 'Chart' }).click();
    const chart = cell.getByRole('img', { name: 'bar chart of n by cell' });
    await chart.waitFor({ timeout: 15_000 });
    expect(await chart.locator('g[aria-label="bar"] rect').count()).toBe(Math.min(rows, 30));

    const download = page.waitForEvent('download');
    await cell.getByRole('button', { name: 'Export result' }).click();
    await cell.getByRole('menuitem', { name: 'CSV (whole result)' }).click();
    const csv = readFileSync((await (await download).path())!, 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('cell,n');
    expect(csv).toHaveLength(rows + 1);
    await call('notebooks.run', { queryId: 'hexes', sql: hexes });
    const want = tableFromIPC(new Uint8Array(await call('notebooks.page', { queryId: 'hexes', offset: 0, limit: 1000 })))
      .toArray()
      .map((r: { cell: string; n: bigint }) => `${r.cell},${r.n}`);
    expect(csv.slice(1)).toEqual(want);

    // Shown on the map is saved with the cell.
    await cell.getByRole('button', { name: 'Show on map' }).click();
    await expect.poll(async () => (await layers()).some((id) => id.startsWith('notebook-'))).toBe(false);
  });

  it('charts a GROUP BY … ORDER BY n DESC in the result’s order: the 30 largest of 50 with a note, their labels thinned so none overlaps', async () => {
    const sql = 'SELECT h3_string(h3_parent(h3, 10)) AS cell, count(*) AS n FROM positions GROUP BY ALL ORDER BY n DESC, cell DESC LIMIT 50';
    const cell = await nb.addSqlCell(sql);
    await cell.getByRole('button', { name: 'Run cell' }).click();
    await expect.poll(() => cell.getByRole('grid', { name: 'Result' }).getAttribute('aria-rowcount'), { timeout: 30_000 }).toBe('51');
    await cell.getByRole('button', { name: 'Chart' }).click();
    const chart = cell.getByRole('img', { name: 'bar chart of n by cell' });
    await chart.waitFor({ timeout: 15_000 });
    await call('notebooks.run', { queryId: 'ranked', sql });
    const ranked = tableFromIPC(new Uint8Array(await call('notebooks.page', { queryId: 'ranked', offset: 0, limit: 50 })))
      .toArray()
      .map((r: { cell: string }) => r.cell);

    expect(await chart.locator('g[aria-label="bar"] rect').count()).toBe(30);
    expect(await cell.getByRole('note').textContent()).toMatch(/^The 30 largest of 50 cell values by n, in the result's order/);
    // The labels read in the result's order (not sorted as text), every k-th of the 30 when they cannot all fit.
    const labels = await chart.locator('[aria-label="x-axis tick label"] text').allTextContents();
    expect(labels.length).toBeGreaterThanOrEqual(10);
    const at = labels.map((l) => ranked.indexOf(l));
    expect(at[0]).toBe(0);
    const stride = at[1]! - at[0]!;
    expect(stride).toBeGreaterThan(0);
    expect(at).toEqual(at.map((_, i) => i * stride));
    expect(Math.max(...at)).toBeLessThan(30);
    expect(labels).not.toEqual([...labels].sort());
    // No two labels' boxes (turned as drawn) overlap: separating-axis test of their screen corners.
    const boxes = await chart.locator('[aria-label="x-axis tick label"] text').evaluateAll((texts) =>
      texts.map((t) => {
        const b = (t as unknown as Svg).getBBox();
        const m = (t as unknown as Svg).getScreenCTM();
        return [
          [b.x, b.y],
          [b.x + b.width, b.y],
          [b.x + b.width, b.y + b.height],
          [b.x, b.y + b.height],
        ].map(([x, y]) => [m.a * x! + m.c * y! + m.e, m.b * x! + m.d * y! + m.f] as [number, number]);
      }),
    );
    const overlap = (p: [number, number][], q: [number, number][]) =>
      [p, q].every((poly) =>
        poly.every((a, i) => {
          const b = poly[(i + 1) % poly.length]!;
          const axis = [b[1] - a[1], a[0] - b[0]];
          const span = (s: [number, number][]) => s.map(([x, y]) => x * axis[0]! + y * axis[1]!);
          const [sp, sq] = [span(p), span(q)];
          return Math.max(...sp) > Math.min(...sq) && Math.max(...sq) > Math.min(...sp);
        }),
      );
    const touching = boxes.flatMap((p, i) => boxes.slice(i + 1).flatMap((q, j) => (overlap(p, q) ? [`${labels[i]} × ${labels[i + 1 + j]}`] : [])));
    expect(touching).toEqual([]);
  });

  it('opens a Parquet file by its path as a view with its columns, and queries it', async () => {
    const file = join(nb.web.dataDir, 'Trips 2026.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT range AS trip, (range * 0.5)::DOUBLE AS km, 'fleet-' || (range % 4) AS fleet FROM range(321)) TO '${file}' (FORMAT parquet)`);
    c.closeSync();
    db.closeSync();

    await page.getByRole('button', { name: 'Open file' }).click();
    const form = page.getByRole('form', { name: 'Open file' });
    await form.getByRole('textbox').fill('/etc/passwd');
    await form.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toMatch(/outside the folders notebooks may open|open Parquet, CSV/);
    await form.getByRole('textbox').fill(file);
    await form.getByRole('button', { name: 'Open' }).click();

    const sources = page.getByRole('region', { name: 'Sources' });
    await sources.getByText('trips_2026', { exact: true }).waitFor({ timeout: 15_000 });
    await sources.getByText('trips_2026', { exact: true }).click(); // unfolds its columns
    expect(await sources.getByRole('list', { name: 'Columns of trips_2026' }).getByRole('listitem').allTextContents()).toEqual([
      'trip BIGINT',
      'km DOUBLE',
      'fleet VARCHAR',
    ]);
    const before = await page.getByRole('region', { name: /^Cell \d+$/ }).count();
    // Query adds a cell selecting the view's first rows, and runs it.
    await sources.getByRole('button', { name: 'Query trips_2026' }).click();
    const cell = page.getByRole('region', { name: `Cell ${before + 1}` });
    expect(await cell.getByRole('textbox', { name: 'SQL' }).textContent()).toBe('SELECT * FROM trips_2026 LIMIT 100');
    const grid = cell.getByRole('grid', { name: 'Result' });
    await grid.waitFor({ timeout: 15_000 });
    expect(await grid.getAttribute('aria-rowcount')).toBe('101');
  });

  it('names a cell’s result, and a later cell queries it by that name', async () => {
    const add = (sql: string) => nb.addSqlCell(sql);
    const first = await add('SELECT device_id, count(*) AS n FROM positions GROUP BY ALL');
    await first.getByRole('textbox', { name: 'Result name' }).fill('per_device');
    await first.getByRole('button', { name: 'Run cell' }).click();
    await first.getByRole('grid', { name: 'Result' }).waitFor({ timeout: 15_000 });
    const second = await add('SELECT count(*) AS devices, sum(n) AS fixes FROM per_device');
    await second.getByRole('button', { name: 'Run cell' }).click();
    const grid = second.getByRole('grid', { name: 'Result' });
    await grid.waitFor({ timeout: 15_000 });
    await expect.poll(() => grid.getByRole('gridcell').allTextContents()).toEqual(['40', '2000']);
  });

  it('keeps the queries run and the notebooks saved: a query from the history goes into a new cell', async () => {
    await page.getByText(/^Query history \(\d+\)$/).click();
    const history = page.getByRole('list', { name: 'Query history' });
    const item = history.getByRole('listitem').filter({ hasText: 'round(avg(lat), 6)' });
    expect(await item.count()).toBe(1);
    const before = await page.getByRole('textbox', { name: 'SQL' }).count();
    await item.getByRole('button', { name: /^Put in a new cell/ }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'SQL' }).count()).toBe(before + 1);
    expect(await page.getByRole('textbox', { name: 'SQL' }).last().textContent()).toBe(perDevice);
    await page.getByText(/^Recent notebooks \(\d+\)$/).click();
    expect(await page.getByRole('list', { name: 'Recent notebooks' }).getByRole('button', { name: 'Untitled' }).count()).toBe(1);
  });

  it('plays the archive back on the heatmap: the Time slider moves the frames, Esc returns to live', async () => {
    const stats = () => hook(page, 'layer');
    // Colour by positions per device in a cell: a device has had 5–6 fixes five seconds in, up to 50 at the end.
    await page.locator('body').press('m');
    await page.locator('body').press('m');
    await page.locator('body').press('y');
    const bar = page.getByRole('group', { name: 'Time playback' });
    await bar.waitFor({ timeout: 15_000 });
    await bar.getByLabel('Window').selectOption('1');
    const slider = bar.getByRole('slider', { name: 'Time' });
    const [min, max] = [Number(await slider.getAttribute('min')), Number(await slider.getAttribute('max'))];
    expect(max - min).toBeGreaterThan(40_000);

    // Speed and window are the analyst's: kept for the next playback, and in the engine's preferences.
    await bar.getByLabel('Speed').selectOption('300');
    await waitFor(async () => (await call('preferences.get')).values['playback.speed'] === 300, { timeoutMs: 5000, what: 'the speed saved' });
    expect((await call('preferences.get')).values['playback.windowMs']).toBe(60_000);
    await page.locator('body').press('Escape');
    await expect.poll(() => bar.count()).toBe(0);
    await page.locator('body').press('y');
    await bar.waitFor({ timeout: 15_000 });
    expect(await bar.getByLabel('Speed').inputValue()).toBe('300');
    expect(await bar.getByLabel('Window').inputValue()).toBe('1');

    await slider.fill(String(min + 5000));
    await expect.poll(async () => (await stats()).max, { timeout: 10_000 }).toBeLessThanOrEqual(6);
    expect((await stats()).windowMs).toBe(60_000);
    await slider.fill(String(max));
    await expect.poll(async () => (await stats()).max, { timeout: 10_000 }).toBeGreaterThan(6);

    // At 1280×720 beside the Heatmap panel the bar is one row: Back to live on one line inside it, a slider
    // wide enough to scrub hours between its start and end, and the legends above it, not under it.
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Heatmap' }).click();
    await page.getByRole('region', { name: 'Heatmap' }).waitFor();
    const [box, live, play, scrub, legends] = await Promise.all(
      [
        bar,
        bar.getByRole('button', { name: 'Back to live' }),
        bar.getByRole('button', { name: 'Play' }),
        slider,
        page.getByRole('group', { name: 'Legends' }),
      ].map(async (l) => (await l.boundingBox())!),
    );
    expect(Math.abs(live.height - play.height)).toBeLessThan(2);
    expect(live.x + live.width).toBeLessThanOrEqual(box.x + box.width);
    expect(live.y).toBeGreaterThanOrEqual(box.y);
    expect(scrub.width).toBeGreaterThanOrEqual(280);
    const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
    expect(await bar.innerText()).toMatch(new RegExp(`${hhmm(min)}[\\s\\S]*UTC[\\s\\S]*${hhmm(Number(await slider.getAttribute('max')))}`));
    expect(legends.y + legends.height).toBeLessThanOrEqual(box.y);
    // The past is not mixed with now: live fence events wait, and the market says its figures are live.
    expect((await hook(page, 'layerRows')).find((r) => r.kind === 'events')?.name).toMatch(/paused while playing back/);
    await page
      .getByRole('region', { name: 'Market' })
      .getByRole('note')
      .getByText(/^Live now/)
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: 'test-results/notebooks-playback-1280x720.png' });
    await page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Notebooks' }).click();
    await page.setViewportSize({ width: 1400, height: 900 });

    await page.locator('body').press('Escape');
    await expect.poll(() => bar.count()).toBe(0);
  });

  it('brings a cell’s last result back after a reload, saying when it ran; Run again answers as of now, and the cell says the data moved on', async () => {
    const sql = 'SELECT count(*) AS fixes FROM positions';
    const cell = await nb.addSqlCell(sql);
    const label = (await cell.getAttribute('aria-label'))!;
    await cell.getByRole('button', { name: 'Run cell' }).click();
    const grid = cell.getByRole('grid', { name: 'Result' });
    await expect.poll(() => grid.getByRole('gridcell').allTextContents(), { timeout: 30_000 }).toEqual(['2000']);
    // A modest result is kept whole; a large one, its first rows, said plainly and not drawn on the map as if whole.
    const modestSql = 'SELECT device_id, lat, lon FROM positions';
    const largeSql = 'SELECT range AS i, 40.75 AS lat, -73.98 AS lon FROM range(20000)';
    const labels: string[] = [];
    for (const q of [modestSql, largeSql]) {
      const c = await nb.addSqlCell(q);
      labels.push((await c.getAttribute('aria-label'))!);
      await c.getByRole('button', { name: 'Run cell' }).click();
      await c.getByRole('grid', { name: 'Result' }).waitFor({ timeout: 30_000 });
    }
    // The results are kept beside the notebook's autosave as soon as they have come.
    await waitFor(
      () =>
        page.evaluate(
          (qs) => {
            const kept = Object.values(JSON.parse((globalThis as unknown as Browser).localStorage.getItem('hexwatch.notebook.results') ?? '{}'));
            return qs.every((q) => kept.some((r) => (r as { sql: string }).sql === q));
          },
          [sql, modestSql, largeSql],
        ),
      {
        timeoutMs: 10_000,
        what: 'the result kept',
      },
    );
    await nb.publishMore();

    await page.reload({ waitUntil: 'load' });
    const notebooks = page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Notebooks' });
    await notebooks.waitFor();
    if ((await notebooks.getAttribute('aria-pressed')) !== 'true') await notebooks.click();
    const again = page.getByRole('region', { name: label });
    const kept = again.getByRole('status', { name: `Last result of ${label}` });
    await kept.waitFor({ timeout: 15_000 });
    expect(await kept.textContent()).toMatch(/^Last run \S.*: 1 row in [\d,]+ ms · data as of /);
    await expect.poll(() => again.getByRole('grid', { name: 'Result' }).getByRole('gridcell').allTextContents()).toEqual(['2000']);
    await expect.poll(() => kept.textContent(), { timeout: 10_000 }).toContain('The data has moved on since: 2,000 rows in the history then, 2,040 now.');

    const modest = page.getByRole('region', { name: labels[0] });
    expect(await modest.getByRole('grid', { name: 'Result' }).getAttribute('aria-rowcount')).toBe('2001');
    expect(await modest.getByRole('status', { name: `Last result of ${labels[0]}` }).textContent()).not.toMatch(/rows kept/);
    expect(await modest.getByRole('button', { name: 'Show on map' }).isDisabled()).toBe(false);
    const large = page.getByRole('region', { name: labels[1] });
    expect(await large.getByRole('status', { name: `Last result of ${labels[1]}` }).textContent()).toContain(
      'First 200 rows kept — Run again for all 20,000. Until then they are not drawn on the map.',
    );
    expect(await large.getByRole('button', { name: 'Show on map' }).isDisabled()).toBe(true);

    await kept.getByRole('button', { name: 'Run again' }).click();
    await expect.poll(() => again.getByRole('grid', { name: 'Result' }).getByRole('gridcell').allTextContents(), { timeout: 30_000 }).toEqual(['2040']);
    expect(await kept.count()).toBe(0);
  });
});
