// What an analyst does with a result in Chromium (web mode, a real engine over a real nats-server):
// null counts in the header and columns resized; DuckDB's own completion in the editor; points drawn as
// an H3 density; the whole result exported as GeoJSON; files dropped on the panel.
import { readFileSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hook, type NotebookPage, openNotebookPage } from '../helpers';

let nb: NotebookPage;
let page: Page;

beforeAll(async () => {
  nb = await openNotebookPage();
  page = nb.page;
});

afterAll(async () => {
  await nb?.stop();
});

async function runAndWait(cell: ReturnType<Page['getByRole']>) {
  await cell.getByRole('button', { name: 'Run cell' }).click();
  await cell.getByRole('grid', { name: 'Result' }).waitFor({ timeout: 30_000 });
}

describe('a result in the notebook', () => {
  it('says how many nulls each column holds, and resizes a column by dragging its edge and by keys', async () => {
    await nb.typeSql(0, 'SELECT range AS i, CASE WHEN range % 3 = 0 THEN NULL ELSE range END AS maybe FROM range(30)');
    const cell = page.getByRole('region', { name: 'Cell 1' });
    await runAndWait(cell);
    const grid = cell.getByRole('grid', { name: 'Result' });
    expect(await grid.getByRole('columnheader').allTextContents()).toEqual(['ibigint', 'maybebigint · 10 nulls']);

    const header = grid.getByRole('columnheader', { name: /^maybe/ });
    const edge = grid.getByRole('separator', { name: 'Resize maybe' });
    const before = (await header.boundingBox())!.width;
    const box = (await edge.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2, { steps: 4 });
    await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(async () => Math.round((await header.boundingBox())!.width - before)).toBe(80);
    expect(Number(await edge.getAttribute('aria-valuenow'))).toBe(Math.round(before + 80));
    // The rows follow their header.
    const cellWidth = (await grid.getByRole('row').nth(1).getByRole('gridcell').nth(1).boundingBox())!.width;
    expect(Math.round(cellWidth)).toBe(Math.round(before + 80));

    await edge.focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => Number(await edge.getAttribute('aria-valuenow'))).toBe(Math.round(before + 80 - 16));
  });

  it('completes from DuckDB: its functions, and the columns of the view FROM names', async () => {
    const cell = await nb.addSqlCell('SELECT regexp_ext');
    const options = page.getByRole('listbox').getByRole('option');
    await expect.poll(() => options.allTextContents(), { timeout: 10_000 }).toContain('regexp_extract');
    await page.keyboard.press('Escape');
    await nb.typeSql(1, 'SELECT device_id FROM positions WHERE accu');
    await expect.poll(() => options.allTextContents(), { timeout: 10_000 }).toContain('accuracy');
    await options.filter({ hasText: /^accuracy$/ }).click();
    expect(await cell.getByRole('textbox', { name: 'SQL' }).textContent()).toBe('SELECT device_id FROM positions WHERE accuracy');
  });

  it('draws points as their density in H3 cells, with a legend that counts them', async () => {
    const cell = await nb.addSqlCell('SELECT lat, lon, speed FROM positions');
    await runAndWait(cell);
    await cell.getByRole('button', { name: 'Show on map' }).click();
    const label = (await cell.getAttribute('aria-label'))!;
    const legend = page.getByRole('figure', { name: `Legend: ${label}` });
    await expect.poll(() => legend.textContent(), { timeout: 15_000 }).toContain(`${label} result2,000 points by speed`);
    await cell.getByRole('combobox', { name: 'Draw points as' }).selectOption('density');
    await expect.poll(() => legend.textContent(), { timeout: 15_000 }).toMatch(/2,000 points in [\d,]+ cells \(res \d+\), by points per cell/);
    const [, cells, res] = /in ([\d,]+) cells \(res (\d+)\)/.exec((await legend.textContent())!)!;
    await nb.call('notebooks.run', { queryId: 'density', sql: `SELECT count(DISTINCT h3_cell(lat, lon, ${res})) AS n FROM positions` });
    const [row] = tableFromIPC(new Uint8Array(await nb.call('notebooks.page', { queryId: 'density', offset: 0, limit: 1 }))).toArray() as {
      n: bigint;
    }[];
    expect(Number(cells!.replace(/,/g, ''))).toBe(Number(row!.n));
    const layers = () => hook(page, 'layerIds');
    await expect.poll(async () => (await layers()).some((id) => /^notebook-.*-density/.test(id))).toBe(true);
    await cell.getByRole('button', { name: 'Show on map' }).click();
  });

  it('exports the whole result as GeoJSON: a hexagon per H3 cell, every fix counted once', async () => {
    const cell = await nb.addSqlCell('SELECT h3_parent(h3, 8) AS h3, count(*) AS n FROM positions GROUP BY 1');
    await runAndWait(cell);
    const download = page.waitForEvent('download');
    await cell.getByRole('button', { name: 'Export result' }).click();
    await cell.getByRole('menuitem', { name: 'GeoJSON (whole result)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.geojson$/);
    const collection = JSON.parse(readFileSync((await file.path())!, 'utf8')) as {
      type: string;
      features: { geometry: { type: string; coordinates: number[][][] }; properties: { h3: string; n: number } }[];
    };
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features.reduce((n, f) => n + f.properties.n, 0)).toBe(2000);
    expect(collection.features.every((f) => f.geometry.type === 'Polygon' && f.geometry.coordinates[0]!.length === 7 && /^88/.test(f.properties.h3))).toBe(
      true,
    );
  });

  it('takes files dropped on the panel: a browser cannot say where a data file is, a .sql opens as the notebook', async () => {
    const drop = async (files: { name: string; text: string }[]) => {
      const transfer = await page.evaluateHandle(
        `(() => { const dt = new DataTransfer(); for (const f of ${JSON.stringify(files)}) dt.items.add(new File([f.text], f.name)); return dt; })()`,
      );
      const target = page.getByRole('toolbar', { name: 'Notebook' });
      await target.dispatchEvent('dragover', { dataTransfer: transfer });
      await target.dispatchEvent('drop', { dataTransfer: transfer });
    };
    await drop([{ name: 'trips.parquet', text: 'PAR1' }]);
    const alert = page.getByRole('region', { name: 'Notebooks' }).getByRole('alert').filter({ hasText: 'trips.parquet' });
    await expect.poll(() => alert.textContent()).toMatch(/A browser does not say where trips\.parquet is on disk: type its path in Open file/);
    expect(await page.getByRole('form', { name: 'Open file' }).count()).toBe(1);

    await drop([{ name: 'dropped.sql', text: '-- %%\nSELECT 1 AS one\n\n-- %%\nSELECT 2 AS two\n' }]);
    await expect.poll(() => page.getByRole('textbox', { name: 'SQL' }).allTextContents()).toEqual(['SELECT 1 AS one', 'SELECT 2 AS two']);
    expect(await page.getByRole('region', { name: 'Notebooks' }).getByRole('status').filter({ hasText: 'Opened dropped.sql' }).count()).toBe(1);
  });
});
