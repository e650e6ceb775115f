// A new view is drawn at once, in Chromium against web mode with the frame timer slowed to a minute: every
// frame the page draws is then one it asked for.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hook, launchChromium, openPage, startWebMode, waitFor, type WebMode } from '../helpers';

let web: WebMode;
let browser: Browser;
let page: Page;
const layer = () => hook(page, 'layer');
const view = () => hook(page, 'view');

beforeAll(async () => {
  web = await startWebMode({ args: ['--simulator.devices', '3000', '--simulator.ratePerSec', '6000', '--live.frameIntervalMs', '60000'] });
  browser = await launchChromium();
  // Reduced motion: a frame's colours are drawn at once, not eased in.
  page = await openPage(browser, { viewport: { width: 1280, height: 800 }, colorScheme: 'dark', reducedMotion: 'reduce' });
  await page.goto(web.url, { waitUntil: 'load' });
  // The first frame comes with the first view, not with the timer's first tick a minute later.
  await waitFor(async () => (await layer()).cells > 0, { timeoutMs: 30_000, intervalMs: 250, what: 'the first view’s frame' });
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
});

/** Waits until the map is still and its view's frame is drawn. */
async function settled(what: string): Promise<void> {
  await waitFor(
    async () => {
      const v = await view();
      return !v.moving && v.requested?.zoom === v.zoom && (await layer()).resolution === v.requested.resolution;
    },
    { timeoutMs: 15_000, intervalMs: 100, what },
  );
}

describe('a new view', () => {
  it('is drawn whole at once when the map fits the data (0), without waiting for the frame timer', async () => {
    while ((await view()).zoom >= 9.5) {
      const before = (await view()).zoom;
      await page.getByRole('button', { name: 'Zoom out' }).click();
      await waitFor(async () => (await view()).zoom < before - 0.9, { timeoutMs: 10_000, what: `zoom below ${before - 0.9}` });
      await settled('the zoomed-out view drawn');
    }
    const far = await layer();
    await page.keyboard.press('0');
    await waitFor(async () => (await view()).zoom > 10.5, { timeoutMs: 10_000, what: 'the view fitted to the data' });
    await settled('the fitted view’s frame');
    const fitted = await layer();
    // One frame asked for the new view, covering it: a few hundred screen-sized cells where the far view had a handful.
    expect(fitted.frames).toBeGreaterThan(far.frames);
    expect(fitted.resolution).toBeGreaterThan(far.resolution);
    expect(fitted.cells).toBeGreaterThan(100);
    expect(fitted.cells).toBeGreaterThan(far.cells * 5);
  });
});
