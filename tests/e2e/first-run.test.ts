// The first start on a fresh data dir: the welcome says what hexwatch is and offers three ways in, each
// landing where it says (the simulator running, Connections on NATS, a notebook reading a Parquet archive);
// once a choice is made it never shows again, nor on a data dir that already has settings.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineRpc, hasHook, launchChromium, makeTempDir, openPage, resultsDir, startWebMode, waitFor, type TempDir, type WebMode } from '../helpers';

const ARGS = ['--simulator.devices', '50'];
/** The engine's reads stay inside notebooks.roots: the test's folder (under the system's temp dir) is one. */
const rootsOf = (path: string) => ['--notebooks.roots', path];
let dir: TempDir;
let dataDir: string;
let archive: string;
let web: WebMode | undefined;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = await makeTempDir('hexwatch-first-run-');
  dataDir = join(dir.path, 'data');
  // An archive as another tool leaves one: hive folders of Parquet parts.
  archive = join(dir.path, 'fleet archive');
  await mkdir(archive);
  const duck = await DuckDBInstance.create(':memory:');
  const c = await duck.connect();
  await c.run(
    `COPY (SELECT 'dev-' || (i % 7) AS device_id, 40.7 + i / 1000 AS lat, -73.9 - i / 1000 AS lon, DATE '2025-05-01' + (i % 3)::INT AS date FROM range(30) t(i))
     TO '${archive.replace(/'/g, "''")}' (FORMAT parquet, PARTITION_BY (date))`,
  );
  c.closeSync();
  duck.closeSync();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await dir?.remove();
});

const welcome = () => page.getByRole('dialog', { name: 'Welcome to hexwatch' });

async function open(options: { width: number; height: number; colorScheme: 'dark' | 'light' }): Promise<void> {
  await page?.context().close();
  page = await openPage(browser, { viewport: { width: options.width, height: options.height }, colorScheme: options.colorScheme });
  await page.goto(web!.url, { waitUntil: 'load' });
  await waitFor(() => hasHook(page, 'layer'), { timeoutMs: 30_000, what: 'the workbench' });
}

async function shot(name: string): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  await page.screenshot({ path: join(resultsDir, `first-run-${name}.png`) });
}

/**
 * That the welcome is not shown, once the page knows whether this is a first start: Connections reads the
 * same answer, and the welcome waits only for the dialog to close.
 */
async function expectNoWelcome(): Promise<void> {
  await page.keyboard.press('Shift+C');
  const connections = page.getByRole('dialog', { name: 'Connections' });
  await connections.getByRole('textbox', { name: 'NATS servers' }).waitFor({ timeout: 20_000 });
  await page.keyboard.press('Escape');
  await connections.waitFor({ state: 'detached' });
  expect(await welcome().count()).toBe(0);
}

/** The welcome again, from the palette, as an analyst who wants another way in asks for it. */
async function welcomeAgain(): Promise<void> {
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: 'Search commands' }).fill('welcome');
  await page.keyboard.press('Enter');
  await welcome().waitFor();
}

describe('the first start', () => {
  it('greets the analyst on a fresh data dir with what hexwatch is and three ways in', async () => {
    web = await startWebMode({ dataDir, welcome: true, args: [...ARGS, ...rootsOf(dir.path)] });
    await open({ width: 1280, height: 720, colorScheme: 'light' });
    await welcome().waitFor({ timeout: 20_000 });
    await shot('welcome-light-1280');
    await open({ width: 1440, height: 900, colorScheme: 'dark' });
    await welcome().waitFor({ timeout: 20_000 });
    expect(await welcome().textContent()).toMatch(/Watch fleets of moving devices live/);
    for (const name of ['Try with the simulator', 'Connect to NATS', 'Open a Parquet archive'])
      expect(
        await welcome()
          .getByRole('button', { name: new RegExp(`^${name}`) })
          .count(),
      ).toBe(1);
    await shot('welcome-dark-1440');
  });

  it('Try with the simulator closes it on the simulator running, and it is not shown again', async () => {
    await welcome()
      .getByRole('button', { name: /^Try with the simulator/ })
      .click();
    await welcome().waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('source-status').textContent(), { timeout: 20_000 }).toMatch(/^simulator · running/);
    const rpc = await engineRpc(web!);
    await waitFor(async () => (await rpc.call('preferences.get')).values['welcome.done'] === true, { timeoutMs: 5000, what: 'the choice kept' });
    await rpc.close();
    await page.reload({ waitUntil: 'load' });
    await waitFor(() => hasHook(page, 'layer'), { timeoutMs: 30_000, what: 'the workbench again' });
    await expectNoWelcome();
  });

  it('Connect to NATS opens Connections on NATS', async () => {
    await welcomeAgain();
    await welcome()
      .getByRole('button', { name: /^Connect to NATS/ })
      .click();
    const connections = page.getByRole('dialog', { name: 'Connections' });
    await connections.waitFor();
    expect(await welcome().count()).toBe(0);
    expect(await connections.getByRole('radio', { name: /NATS/ }).isChecked()).toBe(true);
    await page.keyboard.press('Escape');
    await connections.waitFor({ state: 'detached' });
  });

  it('Open a Parquet archive opens a notebook whose first cell reads the folder named, run', async () => {
    await welcomeAgain();
    await welcome()
      .getByRole('button', { name: /^Open a Parquet archive/ })
      .click();
    await welcome().getByRole('textbox', { name: 'Archive folder' }).fill(archive);
    await shot('welcome-archive-dark-1440');
    await welcome().getByRole('button', { name: 'Open in a notebook' }).click();
    await welcome().waitFor({ state: 'detached' });
    const notebooks = page.getByRole('region', { name: 'Notebooks' });
    await notebooks.waitFor();
    const sql = notebooks.getByRole('textbox', { name: 'SQL' }).first();
    expect(await sql.textContent()).toContain(`read_parquet('${archive}/**/*.parquet', hive_partitioning = true`);
    const grid = notebooks.getByRole('grid', { name: 'Result' }).first();
    await expect.poll(async () => (await grid.getByRole('row').count()) > 1, { timeout: 30_000 }).toBe(true);
    expect(await grid.getByRole('columnheader').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/device_id/), expect.stringMatching(/date/)]),
    );
    await expect.poll(() => grid.getAttribute('aria-rowcount'), { timeout: 10_000 }).toBe('31');
    await shot('archive-notebook-dark-1440');
  });

  it('a second start on the same data dir does not show it', async () => {
    await web!.stop();
    web = await startWebMode({ dataDir, welcome: true, args: [...ARGS, ...rootsOf(dir.path)] });
    await open({ width: 1440, height: 900, colorScheme: 'dark' });
    await expect.poll(() => page.getByTestId('source-status').textContent(), { timeout: 20_000 }).toMatch(/^simulator/);
    const rpc = await engineRpc(web);
    expect((await rpc.call('preferences.get')).values['welcome.done']).toBe(true);
    await rpc.close();
    await expectNoWelcome();
  });

  it('a data dir that already has settings.json never shows it', async () => {
    await web!.stop();
    const other = await makeTempDir('hexwatch-settled-');
    try {
      await writeFile(join(other.path, 'settings.json'), '{ "simulator": { "devices": 50 } }\n');
      web = await startWebMode({ dataDir: other.path, welcome: true });
      const rpc = await engineRpc(web);
      expect((await rpc.call('connections.get')).firstRun).toBe(false);
      await rpc.close();
      await open({ width: 1440, height: 900, colorScheme: 'dark' });
      await expectNoWelcome();
      await web.stop();
    } finally {
      web = undefined;
      await other.remove();
    }
  });
});
