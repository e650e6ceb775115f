// What is selected shows on the map, and a new view is drawn at once, in Chromium against web mode with the
// frame timer slowed to a minute: every frame the page draws is then one it asked for, and the heat stands
// still between them, so pixels before and after a click can be compared.
import { mkdirSync } from 'node:fs';
import { cellToBoundary, cellToLatLng } from 'h3-js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, hook, launchChromium, openPage, startWebMode, waitFor, type Image, type WebMode } from '../helpers';

let web: WebMode;
let browser: Browser;
let page: Page;
const layer = () => hook(page, 'layer');
const view = () => hook(page, 'view');
const shots = 'test-results/map-selection';
const mapShot = async () => decodePng(await page.getByRole('application', { name: 'Map' }).screenshot());
const pixel = (image: Image, x: number, y: number) => {
  const at = (Math.round(y) * image.width + Math.round(x)) * 4;
  return [image.data[at]!, image.data[at + 1]!, image.data[at + 2]!];
};

beforeAll(async () => {
  web = await startWebMode({ args: ['--simulator.devices', '3000', '--simulator.ratePerSec', '6000', '--live.frameIntervalMs', '60000'] });
  browser = await launchChromium();
  // Reduced motion: a frame's colours are drawn at once, not eased in.
  page = await openPage(browser, { viewport: { width: 1280, height: 800 }, colorScheme: 'dark', reducedMotion: 'reduce' });
  await page.goto(web.url, { waitUntil: 'load' });
  mkdirSync(shots, { recursive: true });
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

describe('the pinned cell', () => {
  it('is outlined over the heat in the theme’s ink: its edge changes, its inside still shows the heat', async () => {
    const map = page.getByRole('application', { name: 'Map' });
    const point = await waitFor(() => hook(page, 'cellPoint'), { timeoutMs: 10_000, what: 'a cell on screen' });
    // The pointer off the map: no tooltip in the pictures.
    await page.mouse.move(5, 400);
    const before = await mapShot();
    await map.click({ position: { x: point.x, y: point.y } });
    await page.getByRole('region', { name: `Cell ${point.hex}` }).waitFor();
    await page.mouse.move(5, 400);
    await waitFor(async () => (await hook(page, 'layerIds')).includes('pinned-line'), { timeoutMs: 10_000, what: 'the outline drawn' });

    /** Points along the cell's edges (a fifth to four fifths of each), on screen. */
    const edge = async () => {
      const corners = await Promise.all(cellToBoundary(point.hex).map(([lat, lon]) => hook(page, 'project', [lon, lat])));
      return corners.flatMap((a, i) => {
        const b = corners[(i + 1) % corners.length]!;
        return [0.2, 0.4, 0.6, 0.8].map((t) => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t] as const);
      });
    };
    const [lat, lon] = cellToLatLng(point.hex);
    const centre = await hook(page, 'project', [lon, lat]);
    const dark = await waitFor(
      async () => {
        const shot = await mapShot();
        const on = (await edge()).filter(([x, y]) => Math.min(...pixel(shot, x, y)) > 200);
        return on.length >= 0.8 * (await edge()).length ? shot : undefined;
      },
      { timeoutMs: 10_000, what: 'the edge drawn in white' },
    );
    const moved = (await edge()).filter(([x, y]) => pixel(before, x, y).some((v, k) => Math.abs(v - pixel(dark, x, y)[k]!) > 16));
    expect(moved.length).toBeGreaterThanOrEqual(0.8 * (await edge()).length);
    expect(pixel(dark, centre[0], centre[1])).toEqual(pixel(before, centre[0], centre[1]));
    await page.screenshot({ path: `${shots}/pinned-dark.png` });

    // The light theme draws it in ink.
    await page.keyboard.press('t');
    await waitFor(
      async () => {
        const shot = await mapShot();
        const on = (await edge()).filter(([x, y]) => Math.max(...pixel(shot, x, y)) < 80);
        return on.length >= 0.8 * (await edge()).length;
      },
      { timeoutMs: 10_000, what: 'the edge drawn in ink' },
    );
    await page.screenshot({ path: `${shots}/pinned-light.png` });
    await page.keyboard.press('t');

    await page.keyboard.press('Escape');
    await expect.poll(() => hook(page, 'layerIds')).not.toContain('pinned-line');
  });

  it('is the busiest cell when the Heatmap panel’s Busiest cell is clicked: the map goes to it and pins it', async () => {
    await settled('the view drawn');
    // The busiest cell read now is the one the panel goes to.
    const { busiest, max } = await layer();
    expect(busiest).toMatch(/^[0-9a-f]{15}$/);
    await page
      .getByRole('region', { name: 'Heatmap' })
      .getByRole('button', { name: /^Busiest cell: .* go to it and pin it$/ })
      .click();
    const card = page.getByRole('region', { name: `Cell ${busiest}` });
    await card.waitFor();
    const [lat, lon] = cellToLatLng(busiest!);
    await waitFor(
      async () => {
        const v = await view();
        return !v.moving && Math.abs(v.lat - lat) < 1e-4 && Math.abs(v.lon - lon) < 1e-4;
      },
      { timeoutMs: 10_000, what: 'the map on the busiest cell' },
    );
    await settled('the view on the busiest cell drawn');
    // The new view's frame is built from the heat as it is now, a moment later: the cell is among the hottest
    // still, though by then another may have passed it by a position or two.
    const now = await layer();
    const drawn = (await hook(page, 'cellColour', busiest!))?.value;
    expect(drawn).toBeGreaterThanOrEqual(0.8 * now.max);
    expect(drawn).toBeGreaterThanOrEqual(0.8 * max);
    await page.screenshot({ path: `${shots}/busiest.png` });
    await page.keyboard.press('Escape');
  });
});
