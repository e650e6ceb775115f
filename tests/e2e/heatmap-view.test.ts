// A heatmap an analyst can read, in Chromium against web mode: cells sized for the screen at every zoom,
// a detail control, 3D columns, metric and scale switches that change what is drawn, fit to the data.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changedPixels,
  colourDifference,
  decodePng,
  engineRpc,
  hook,
  launchChromium,
  openPage,
  pixelAt,
  rgbOfHex,
  startWebMode,
  waitFor,
  type WebMode,
} from '../helpers';

let web: WebMode;
let browser: Browser;
let page: Page;
const layer = () => hook(page, 'layer');
const view = () => hook(page, 'view');
const widths = () => hook(page, 'hexWidthsPx', 60);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mapShot = async () => decodePng(await page.getByRole('application', { name: 'Map' }).screenshot({ animations: 'disabled' }));

/** Waits until frames at a new resolution (or any new frame) have been drawn. */
async function nextFrames(after: number, what: string): Promise<void> {
  await waitFor(async () => (await layer()).frames >= after + 2, { timeoutMs: 20_000, intervalMs: 100, what });
}

beforeAll(async () => {
  // 3,000 walkers over 8 km: the map has data from city to street zoom.
  web = await startWebMode({ args: ['--simulator.devices', '3000', '--simulator.ratePerSec', '6000'] });
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  await page.goto(web.url, { waitUntil: 'load' });
  await waitFor(async () => (await layer()).cells > 0, { timeoutMs: 60_000, intervalMs: 250, what: 'a first frame' });
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
});

describe('the heatmap', () => {
  it('draws its quietest cells in a colour that stands off the map, on the dark theme and on the light', async () => {
    const theme = () => page.locator('html').getAttribute('data-theme');
    for (const wanted of ['dark', 'light'] as const) {
      if ((await theme()) !== wanted) {
        await page.getByRole('application', { name: 'Map' }).click({ position: { x: 30, y: 30 } });
        await page.keyboard.press('t');
      }
      await nextFrames((await layer()).frames, `frames on the ${wanted} theme`);
      // The five quietest cells on screen, once each is drawn in the colour its value gives it.
      const quiet = await waitFor(
        async () => {
          const points = await hook(page, 'quietCellPoints', 5);
          const eased = await Promise.all(
            points.map(async (p) => (await hook(page, 'cellColour', p.hex))?.shown.join() === (await hook(page, 'cellColour', p.hex))?.target.join()),
          );
          return points.length === 5 && eased.every(Boolean) ? points : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 100, what: `five quiet cells drawn on the ${wanted} theme` },
      );
      const shot = await mapShot();
      const { land, ocean } = await hook(page, 'basemapColours');
      for (const p of quiet) {
        const seen = pixelAt(shot, p.x, p.y);
        const apart = Math.min(colourDifference(seen, rgbOfHex(land)), colourDifference(seen, rgbOfHex(ocean)));
        expect(apart, `${p.hex} (${p.value}) drawn as rgb(${seen.join()}) on the ${wanted} theme`).toBeGreaterThanOrEqual(25);
      }
    }
    await page.keyboard.press('t');
    expect(await theme()).toBe('dark');
  });

  it('makes cells finer and coarser with the detail control and its keys, and says how far in words', async () => {
    const res = (await layer()).resolution;
    await page.getByRole('button', { name: 'Finer cells' }).click();
    await waitFor(async () => (await layer()).resolution === res + 1, { timeoutMs: 10_000, what: `resolution ${res + 1}` });
    expect(await page.getByRole('group', { name: 'Cell size' }).getByRole('status').textContent()).toBe('one step finer');
    await page.getByRole('application', { name: 'Map' }).click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('[');
    await page.keyboard.press('[');
    await waitFor(async () => (await layer()).resolution === res - 1, { timeoutMs: 10_000, what: `resolution ${res - 1}` });
    expect(await page.getByRole('group', { name: 'Cell size' }).getByRole('status').textContent()).toBe('one step coarser');
    await page.keyboard.press(']');
    await waitFor(async () => (await layer()).resolution === res, { timeoutMs: 10_000, what: `back at resolution ${res}` });
  });

  it('draws cells 15–60 px wide at city, district and street zoom', async () => {
    const seen: string[] = [];
    let zoom = 11;
    for (const clicks of [0, 2, 4]) {
      // One click at a time: a click during the last one's animation zooms from where the animation had got to.
      while (zoom < 11 + clicks) {
        await page.getByRole('button', { name: 'Zoom in' }).click();
        zoom++;
        await waitFor(async () => Math.abs((await view()).zoom - zoom) < 0.05, { timeoutMs: 10_000, what: `zoom ${zoom}` });
      }
      // Frames of the view before may still arrive: measure once the layer holds the resolution the engine gave this view.
      await waitFor(
        async () => {
          const v = await view();
          return v.requested?.zoom === v.zoom && (await layer()).resolution === v.requested.resolution;
        },
        { timeoutMs: 15_000, intervalMs: 100, what: `a frame for zoom ${11 + clicks}` },
      );
      const px = median(await widths());
      const { resolution } = await layer();
      seen.push(`zoom ${11 + clicks}: res ${resolution}, median ${px.toFixed(1)} px`);
      expect(px, seen.join('; ')).toBeGreaterThanOrEqual(15);
      expect(px, seen.join('; ')).toBeLessThanOrEqual(60);
    }
    console.log(`heatmap cell widths: ${seen.join('; ')}`);
  });

  it('fits the map to the data with 0 from far out', async () => {
    // One click at a time: a click during the last one's animation zooms from where the animation had got to.
    while ((await view()).zoom >= 9.5) {
      const before = (await view()).zoom;
      await page.getByRole('button', { name: 'Zoom out' }).click();
      await waitFor(async () => (await view()).zoom < before - 0.9 && !(await view()).moving, { timeoutMs: 10_000, what: `zoom below ${before - 0.9}` });
    }
    await page.keyboard.press('0');
    // The walkers fill a 16 km disc: the fitted view shows it whole, at city zoom, in a few hundred screen-sized cells.
    await waitFor(async () => (await view()).zoom > 10.5 && !(await view()).moving, { timeoutMs: 10_000, what: 'the view fitted to the data' });
    await nextFrames((await layer()).frames, 'frames of the fitted view');
    expect((await layer()).cells).toBeGreaterThan(100);
  });

  it('changes what is drawn when the metric, the scale, smoothing or 3D changes', async () => {
    const frames = async () => (await layer()).frames;
    const base = await mapShot();
    await page.getByRole('combobox', { name: 'Colour by' }).selectOption('perDevice');
    await page.getByRole('figure', { name: 'Legend: Live heatmap' }).getByText('positions per device in a cell').waitFor();
    await nextFrames(await frames(), 'frames by positions per device');
    expect(changedPixels(base, await mapShot())).toBeGreaterThan(1000);

    await page.getByRole('combobox', { name: 'Scale', exact: true }).selectOption('quantile');
    await page
      .getByRole('figure', { name: 'Legend: Live heatmap' })
      .getByText(/quantile scale/)
      .waitFor();

    // Smoothing spreads each cell over its 2-ring: the data's edge grows by two rings of cells.
    const before = (await layer()).cells;
    const unsmoothed = await mapShot();
    await page.getByRole('combobox', { name: 'Smoothing' }).selectOption('2');
    await page
      .getByRole('figure', { name: 'Legend: Live heatmap' })
      .getByText(/totalled over 2-ring neighbourhoods/)
      .waitFor();
    await waitFor(async () => (await layer()).cells > before * 1.05, { timeoutMs: 10_000, what: `more cells than ${before} once smoothed` });
    expect(changedPixels(unsmoothed, await mapShot())).toBeGreaterThan(1000);
    await page.getByRole('combobox', { name: 'Smoothing' }).selectOption('0');

    const flat = await mapShot();
    await page.getByRole('checkbox', { name: '3D columns' }).check();
    await waitFor(async () => (await layer()).extruded && (await view()).pitch > 30, { timeoutMs: 10_000, what: 'tilted 3D columns' });
    expect(changedPixels(flat, await mapShot())).toBeGreaterThan(5000);
    await page.keyboard.press('e');
    await waitFor(async () => !(await layer()).extruded && (await view()).pitch < 1, { timeoutMs: 10_000, what: 'flat again' });
  });

  it('pins a cell with a click: outlined, its figures those of its tooltip frame by frame, its last minute charted with axes and a legend', async () => {
    const point = await waitFor(() => hook(page, 'cellPoint'), {
      timeoutMs: 10_000,
      what: 'a cell on screen',
    });
    const map = page.getByRole('application', { name: 'Map' });
    await map.click({ position: { x: point.x, y: point.y } });
    const card = page.getByRole('region', { name: `Cell ${point.hex}` });
    await card.waitFor();
    expect(await hook(page, 'layerIds')).toContain('pinned-line');
    const chart = card.getByRole('img', { name: 'positions per 5 s over the last 60 s' });
    await chart.waitFor({ timeout: 10_000 });
    expect(await chart.textContent()).toMatch(/seconds before now/);
    expect(await chart.textContent()).toMatch(/positions per 5 s/);
    expect(await card.innerText()).toMatch(/H3 resolution \d+ · on the map now/);

    // The pointer on the cell: its tooltip and its card read the same frame, one frame after another.
    await map.hover({ position: { x: point.x, y: point.y } });
    await page.getByRole('tooltip').waitFor();
    const figures = (text: string) => [/([\d,]+) unique devices/.exec(text)?.[1], /([\d,]+) positions in (\d+) s/.exec(text)?.slice(1)];
    for (let i = 0; i < 3; i++) {
      const frames = (await layer()).frames;
      // Both read in one go, between two frames.
      const [tooltip, now] = await page.evaluate(
        (selectors) => {
          const doc = (globalThis as unknown as { document: { querySelector(s: string): { innerText: string } | null } }).document;
          return selectors.map((s) => doc.querySelector(s)?.innerText ?? '');
        },
        ['[role="tooltip"]', '[aria-label="In the frame on the map"]'],
      );
      expect(figures(now!)).toEqual(figures(tooltip!));
      expect(figures(now!)[0]).toBeDefined();
      await waitFor(async () => (await layer()).frames > frames, { timeoutMs: 10_000, what: 'the next frame' });
    }

    await card.getByRole('button', { name: 'Unpin the cell' }).click();
    await expect(card.count()).resolves.toBe(0);
    await expect.poll(() => hook(page, 'layerIds')).not.toContain('pinned-line');
  });

  it('finds a device by its id and follows it: zoomed in to it, its track drawn, the map on it', async () => {
    const rpc = await engineRpc(web);
    const [id] = await rpc.call('heatmap.devices', { prefix: '', limit: 1 });
    // A search field with suggestions is a combobox.
    await page.getByRole('combobox', { name: 'Find a device' }).fill(id);
    await page.keyboard.press('Enter');
    const zoomBefore = (await view()).zoom;
    await page.getByRole('status', { name: 'Following a device' }).getByText(`Following ${id}`).waitFor();
    await waitFor(async () => (await hook(page, 'layerIds')).includes('follow-line'), {
      timeoutMs: 10_000,
      what: 'the track drawn',
    });
    // Zoomed in to it, its track drawn in the accent colour: what the Layers list's checkbox for it takes off the map and puts back.
    await waitFor(async () => (await view()).zoom > zoomBefore + 2, { timeoutMs: 10_000, what: 'zoomed in to the device' });
    const accentPixels = async () => {
      const shot = await mapShot();
      let n = 0;
      for (let i = 0; i < shot.data.length; i += 4)
        if (Math.abs(shot.data[i]! - 255) < 25 && Math.abs(shot.data[i + 1]! - 122) < 25 && Math.abs(shot.data[i + 2]! - 47) < 25) n++;
      return n;
    };
    const followed = page.getByRole('checkbox', { name: 'Followed device' });
    await page.getByRole('button', { name: 'Layers' }).click();
    await followed.uncheck();
    await page.keyboard.press('Escape');
    await expect.poll(() => hook(page, 'layerIds')).not.toContain('follow-line');
    await expect.poll(accentPixels, { timeout: 10_000 }).toBeLessThan(50);
    await page.getByRole('button', { name: 'Layers' }).click();
    await followed.check();
    await page.keyboard.press('Escape');
    await expect.poll(() => hook(page, 'layerIds')).toContain('follow-line');
    // Its last fix is a dot of some 200 px: the rest is the track.
    await expect.poll(accentPixels, { timeout: 10_000 }).toBeGreaterThan(400);
    // The map follows it: its centre is where the device last was.
    await waitFor(
      async () => {
        const track = await rpc.call('heatmap.track', { id });
        const last = track!.points.at(-1)!;
        const v = await view();
        return Math.hypot(v.lat - last.lat, v.lon - last.lon) < 0.002;
      },
      { timeoutMs: 15_000, intervalMs: 300, what: `the map on ${id}` },
    );
    await page.getByRole('button', { name: 'Stop following' }).click();
    await expect.poll(() => hook(page, 'layerIds')).not.toContain('follow-line');
    await rpc.close();
  });
});
