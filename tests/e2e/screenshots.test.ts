// The pictures in the README and docs/screenshots/, taken from the running app as `npm start` runs it: the
// simulator with its demo history and fences, a webhook target that refuses (so dead letters pile up), each
// panel in the dark and the light theme at 1440×900. `npm run screenshots` writes them into docs/; under
// `npm test` they go to test-results/screenshots/ and are checked to show something (not a blank or a
// half-drawn map).
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fence } from '../../shared/fence';
import {
  type Call,
  callOf,
  connectRpc,
  decodePng,
  hook,
  launchChromium,
  openPage,
  repoRoot,
  resultsDir,
  startWebhookReceiver,
  startWebMode,
  type TestRpcClient,
  waitFor,
  type WebhookReceiver,
  type WebMode,
} from '../helpers';

const VIEWPORT = { width: 1440, height: 900 };
const READY = /^demo data · (?!writing|clearing)\d/;
/** Into docs/ when asked (`npm run screenshots`), else beside the other test results. */
const intoDocs = process.env.HEXWATCH_SCREENSHOTS === 'docs';
const out = join(resultsDir, 'screenshots');

let web: WebMode;
let rpc: TestRpcClient;
let call: Call;
let refusing: WebhookReceiver;
let browser: Browser;
let page: Page;
const taken: string[] = [];

/** Takes the picture, checks it shows something, and keeps it as `name-theme.jpg`. */
async function picture(name: string, theme: 'dark' | 'light'): Promise<void> {
  await mkdir(out, { recursive: true });
  // A PNG to check, a JPEG to keep (a tenth of the size in git).
  const png = decodePng(await page.screenshot({ type: 'png' }));
  expect(distinctColours(png)).toBeGreaterThan(200);
  const file = join(out, `${name}-${theme}.jpg`);
  await page.screenshot({ path: file, type: 'jpeg', quality: 82 });
  taken.push(file);
}

/** How many colours a picture holds (sampled): a blank or a half-drawn page has few. */
function distinctColours(png: { width: number; height: number; data: Uint8Array }): number {
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4 * 97) seen.add((png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!);
  return seen.size;
}

/** Opens a panel from the rail (closing whichever is open), or with `open` false closes it. */
async function openPanel(name: 'Heatmap' | 'Fences' | 'Deliveries' | 'Notebooks', open = true): Promise<void> {
  const button = page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name });
  if (((await button.getAttribute('aria-pressed')) === 'true') !== open) await button.click();
}

/** The heatmap drawn over the whole view, as it is after the map settles. */
const heatDrawn = () => waitFor(async () => (await hook(page, 'layer')).cells > 100, { timeoutMs: 60_000, what: 'the heatmap drawn' });

beforeAll(async () => {
  refusing = await startWebhookReceiver({ respond: () => 503 });
  web = await startWebMode({ demo: true, args: ['--queue.maxAttempts', '2', '--queue.backoffS', '1'] });
  const c = await connectRpc(web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
  if (!c.ok) throw new Error(c.error);
  rpc = c.client;
  call = callOf(rpc, 60_000);
  await call('deliveries.saveTarget', { id: 'dispatch-webhook', kind: 'webhook', url: refusing.url, timeoutMs: 2000, concurrency: 2 });
  const centre = (await call('fences.list', {})).find((f: Fence) => f.name === 'Demo: Centre')!;
  await call('fences.save', { fence: { ...centre, targets: ['dispatch-webhook'] } });
  browser = await launchChromium();
  page = await openPage(browser, { viewport: VIEWPORT, colorScheme: 'dark' });
  await page.goto(web.url, { waitUntil: 'load' });
  await waitFor(
    async () =>
      READY.test(
        (await page
          .getByTestId('demo-status')
          .textContent({ timeout: 1000 })
          .catch(() => '')) ?? '',
      ),
    {
      timeoutMs: 120_000,
      what: 'the demo history written',
    },
  );
  await waitFor(async () => ((await call('deliveries.deadLetterCounts', {})).byTarget['dispatch-webhook'] ?? 0) > 5, {
    timeoutMs: 90_000,
    what: 'dead letters from the refusing target',
  });
}, 240_000);

afterAll(async () => {
  await rpc?.close();
  await browser?.close();
  await web?.stop();
  await refusing?.close();
});

describe.each(['dark', 'light'] as const)('the screens in the %s theme', (theme) => {
  it('the heatmap over the simulated city, with the demo fences', async () => {
    if ((await page.locator('html').getAttribute('data-theme')) !== theme) {
      await page.getByRole('application', { name: 'Map' }).click({ position: { x: 30, y: 30 } });
      await page.keyboard.press('t');
      await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe(theme);
    }
    await openPanel('Heatmap');
    await page.getByRole('combobox', { name: 'Colour by' }).selectOption('devices');
    await heatDrawn();
    await picture('heatmap', theme);
  });

  it('the market: surge over the same city', async () => {
    await page.getByRole('combobox', { name: 'Colour by' }).selectOption('surge');
    await page
      .getByRole('figure', { name: 'Legend: Market' })
      .getByText(/log scale/)
      .waitFor({ timeout: 30_000 });
    await picture('market', theme);
    await page.getByRole('combobox', { name: 'Colour by' }).selectOption('devices');
  });

  it('the Layers list and their legends', async () => {
    await page.keyboard.press('Shift+L');
    await page.getByRole('dialog', { name: 'Layers' }).waitFor();
    await picture('layers', theme);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog', { name: 'Layers' }).count()).toBe(0);
  });

  it('a fence and its live events', async () => {
    await openPanel('Fences');
    await page.getByRole('listitem', { name: 'Demo: Centre' }).click();
    await page.getByRole('region', { name: 'Fences' }).first().waitFor();
    await picture('fences', theme);
  });

  it('dead letters from a target that refuses, one opened', async () => {
    await openPanel('Deliveries');
    const grid = page.getByRole('grid', { name: 'Dead letters' });
    await expect.poll(async () => Number(await grid.getAttribute('aria-rowcount')), { timeout: 30_000 }).toBeGreaterThan(3);
    await grid
      .getByRole('row')
      .nth(1)
      .getByRole('button', { name: /^Open msg_/ })
      .click();
    await page.getByRole('region', { name: /^Delivery msg_/ }).waitFor();
    await picture('deliveries', theme);
  });

  it('a notebook: the busiest cells of the demo hours, charted and on the map', async () => {
    await openPanel('Notebooks');
    await page.getByRole('button', { name: 'New notebook' }).click();
    const cell = page.getByRole('region', { name: /^Cell \d+$/ }).last();
    await cell.getByRole('textbox', { name: 'SQL' }).click();
    await page.keyboard.type('SELECT h3_string(h3_parent(h3, 8)) AS cell, count(*) AS positions FROM positions GROUP BY ALL ORDER BY positions DESC LIMIT 40');
    await page.keyboard.press('Control+Enter');
    await cell.getByRole('grid', { name: 'Result' }).waitFor({ timeout: 60_000 });
    await cell.getByRole('button', { name: 'Show on map' }).click();
    await cell.getByRole('button', { name: 'Chart' }).click();
    await cell.getByRole('img', { name: /bar chart/ }).waitFor({ timeout: 15_000 });
    await picture('notebooks', theme);
    // The result leaves the map for the next pictures.
    await cell.getByRole('button', { name: 'Show on map' }).click();
    await openPanel('Notebooks', false);
  });

  it('playback of the demo hours, the map whole', async () => {
    await page.locator('body').press('y');
    const bar = page.getByRole('group', { name: 'Time playback' });
    await bar.waitFor({ timeout: 15_000 });
    const slider = bar.getByRole('slider', { name: 'Time' });
    const [min, max] = [Number(await slider.getAttribute('min')), Number(await slider.getAttribute('max'))];
    await slider.fill(String(Math.round(min + (max - min) * 0.6)));
    const at = Number(await slider.inputValue());
    await expect.poll(async () => (await hook(page, 'layer')).windowEnd, { timeout: 30_000 }).toBe(at);
    await picture('playback', theme);
    await page.locator('body').press('Escape');
    await expect.poll(() => bar.count()).toBe(0);
  });
});

describe('the pictures', () => {
  it('are written where the README and the docs show them', async () => {
    expect(taken).toHaveLength(14);
    if (!intoDocs) return;
    const docs = join(repoRoot, 'docs', 'screenshots');
    await mkdir(docs, { recursive: true });
    for (const file of taken) await copyFile(file, join(docs, file.slice(out.length + 1)));
    // The README's picture: the heatmap, dark.
    await copyFile(join(out, 'heatmap-dark.jpg'), join(repoRoot, 'docs', 'screenshot.jpg'));
  });
});
