// The map under the data, in Chromium against web mode: place names from the engine's gazetteer in the
// bundled font, a local PMTiles file opened as the basemap (read in place, nothing fetched), and a style
// URL refused while online basemaps are off.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, hasHook, hook, launchChromium, openPage, startWebMode, waitFor, type WebMode, writeRasterPmtiles } from '../helpers';

let web: WebMode;
let browser: Browser;
let page: Page;
const requests: string[] = [];
const MAGENTA: [number, number, number] = [200, 40, 200];

const places = () => hasHook(page, 'places').then((ready) => (ready ? hook(page, 'places') : []));
/** The share of the map's pixels within a few levels of `rgb`. */
async function shareOf([r, g, b]: [number, number, number]): Promise<number> {
  const img = decodePng(await page.getByRole('application', { name: 'Map' }).screenshot({ animations: 'disabled' }));
  let hits = 0;
  for (let o = 0; o < img.data.length; o += 4) {
    if (Math.abs(img.data[o]! - r) < 12 && Math.abs(img.data[o + 1]! - g) < 12 && Math.abs(img.data[o + 2]! - b) < 12) hits++;
  }
  return hits / (img.width * img.height);
}

beforeAll(async () => {
  web = await startWebMode();
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(web.url, { waitUntil: 'load' });
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
});

describe('the basemap', () => {
  it('names the places in view, the largest first, and moves them with the map', async () => {
    const names = await waitFor(async () => ((await places()).length > 5 ? places() : null), { timeoutMs: 30_000, what: 'place names on the map' });
    expect(names).toContain('New York City');
    // One click at a time: a click during the last one's animation zooms from where the animation had got to.
    const zoom = () => hook(page, 'view');
    for (let i = 0; i < 4; i++) {
      const before = (await zoom()).zoom;
      await page.getByRole('button', { name: 'Zoom out' }).click();
      await waitFor(async () => (await zoom()).zoom < before - 0.9 && !(await zoom()).moving, { timeoutMs: 10_000, what: `zoom below ${before - 0.9}` });
    }
    const wider = await waitFor(async () => ((await places()).includes('Philadelphia') ? places() : null), {
      timeoutMs: 20_000,
      what: 'Philadelphia named at zoom 7',
    });
    expect(wider).not.toContain('Hoboken');
  });

  it('opens a PMTiles file from this machine as the basemap, and goes back to the offline map', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hexwatch-pmtiles-')), 'magenta.pmtiles');
    writeRasterPmtiles(file, { rgb: MAGENTA });
    expect(await shareOf(MAGENTA)).toBeLessThan(0.01);
    await page.getByRole('button', { name: 'Basemap' }).click();
    const menu = page.getByRole('dialog', { name: 'Basemap' });
    const chooser = page.waitForEvent('filechooser');
    await menu.getByRole('button', { name: /Open PMTiles file/ }).click();
    await (await chooser).setFiles(file);
    await waitFor(async () => (await shareOf(MAGENTA)) > 0.3, { timeoutMs: 20_000, what: 'the PMTiles raster drawn under the data' });
    await expect.poll(() => page.getByRole('button', { name: 'Basemap' }).textContent()).toContain('magenta.pmtiles');

    await page.getByRole('button', { name: 'Basemap' }).click();
    await page
      .getByRole('dialog', { name: 'Basemap' })
      .getByRole('button', { name: /Offline map/ })
      .click();
    await waitFor(async () => (await shareOf(MAGENTA)) < 0.01, { timeoutMs: 20_000, what: 'the offline map back' });
  });

  it('refuses a style URL while online basemaps are off, and says why', async () => {
    await page.getByRole('button', { name: 'Basemap' }).click();
    const menu = page.getByRole('dialog', { name: 'Basemap' });
    expect(await menu.getByRole('textbox', { name: 'Style URL' }).isDisabled()).toBe(true);
    expect(await menu.getByRole('button', { name: 'Use style' }).isDisabled()).toBe(true);
    expect(await menu.textContent()).toContain('fetches nothing from the internet');
  });

  it('fetched nothing from any host but the engine', () => {
    const hosts = new Set(requests.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:')).map((u) => new URL(u).host));
    expect([...hosts]).toEqual([new URL(web.url).host]);
  });
});
