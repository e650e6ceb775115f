// A fence drawn with a real tile38-server deciding events: the list shows it deployed; Tile38 stopped,
// pending with the reason; restarted, deployed again — all without a reload.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHook, launchChromium, openPage, type RunningServer, startTile38, startWebMode, waitFor, type WebMode } from '../helpers';

let tile38: RunningServer;
let web: WebMode;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  tile38 = await startTile38();
  web = await startWebMode({ args: ['--tile38.host', '127.0.0.1', '--tile38.port', String(tile38.port)] });
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
  await page.goto(web.url, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Fences' }).click();
  await waitFor(() => hasHook(page, 'drawing'), {
    timeoutMs: 30_000,
    what: 'the drawing ready on the map',
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await tile38?.stop();
});

describe('a fence deployed to Tile38', () => {
  it('shows deployed, then pending with the reason while Tile38 is down, then deployed again, without a reload', async () => {
    const map = (await page.getByRole('application', { name: 'Map' }).boundingBox())!;
    await page.getByRole('button', { name: 'Draw rectangle' }).click();
    await page.mouse.click(map.x + 350, map.y + 250);
    await page.mouse.click(map.x + 600, map.y + 450);
    await page.getByLabel('Fence name').fill('Harbour');
    await page.getByRole('button', { name: 'Save fence' }).click();
    const item = page.getByRole('listitem', { name: 'Harbour' });
    await expect.poll(() => item.textContent(), { timeout: 20_000 }).toContain('Tile38 deployed');
    expect(await page.getByText(/Decided by Tile38 \(connected/).count()).toBe(1);

    const port = tile38.port;
    await tile38.stop();
    await expect.poll(() => item.textContent(), { timeout: 20_000 }).toContain('Tile38 pending');
    await expect.poll(() => page.getByText(/Decided by Tile38 \((reconnecting|error)/).textContent(), { timeout: 20_000 }).toMatch(/: .+/);

    tile38 = await startTile38({ port });
    await expect.poll(() => item.textContent(), { timeout: 30_000 }).toContain('Tile38 deployed');
  });
});
