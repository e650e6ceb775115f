// The workstation end to end: the real engine in web mode (simulator by default), the built renderer in
// Debian's Chromium (WebGL2 on SwiftShader). Live frames must reach the heatmap layer, the map must be
// drawn, every request must stay on the engine's own loopback origin, and nothing may log an error.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedPixels, decodePng, hasHook, hook, launchChromium, openPage, pixelStats, resultsDir, startWebMode, waitFor, type WebMode } from '../helpers';

let web: WebMode;
let browser: Browser;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];

const readLayer = async () => ((await hasHook(page, 'layer')) ? hook(page, 'layer') : null);
const readCspViolations = () => page.evaluate(() => (globalThis as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);

/** The status bar's text: a marked element when the renderer has one, else the whole page. */
async function statusText(): Promise<string> {
  for (const selector of ['[data-testid="status-bar"]', '[role="status"]', 'footer']) {
    const el = page.locator(selector).first();
    if ((await el.count()) > 0) return el.innerText();
  }
  return page.locator('body').innerText();
}

/** "1,234 positions/s", "2.1k pos/s", "positions/s 1234" → 1234, 2100, 1234. */
function positionsPerSecond(text: string): number | undefined {
  const m =
    /([\d][\d,.\u202f\u00a0 ]*)\s*([kKM])?\s*(?:positions|pos|fixes)\s*\/\s*s/.exec(text) ??
    /(?:positions|pos|fixes)\s*\/\s*s\D{0,3}([\d][\d,.\u202f\u00a0]*)\s*([kKM])?/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1].replace(/[,\u202f\u00a0 ]/g, ''));
  const scale = m[2] === 'M' ? 1e6 : m[2] ? 1e3 : 1;
  return Number.isFinite(n) ? n * scale : undefined;
}

/** Screenshot of the map: the largest canvas on the page (deck.gl's or MapLibre's), else the viewport. */
async function mapScreenshot(): Promise<Buffer> {
  let best: { x: number; y: number; width: number; height: number } | null = null;
  for (const canvas of await page.locator('canvas').all()) {
    const box = await canvas.boundingBox();
    if (box && box.width * box.height > (best ? best.width * best.height : 0)) best = box;
  }
  const clip = best && best.width >= 100 && best.height >= 100 ? best : undefined;
  return page.screenshot({ clip, animations: 'disabled' });
}

beforeAll(async () => {
  web = await startWebMode();
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`console: ${msg.text()}${msg.location().url ? ` (${msg.location().url})` : ''}`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
  page.on('requestfailed', (r) => consoleErrors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  // CSP violations also reach the console, but this catches them even where a renderer silences it.
  await page.addInitScript({
    content: `globalThis.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        globalThis.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')));`,
  });
  await page.goto(web.url, { waitUntil: 'load', timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
});

describe('web mode in Chromium', () => {
  it('fills the heatmap layer from live frames', async () => {
    const layer = await waitFor(
      async () => {
        const l = await readLayer();
        return l && l.cells > 0 && l.frames >= 2 ? l : null;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 250,
        what: 'the heatmap layer with cells > 0 and frames >= 2',
        detail: () => `console errors: ${consoleErrors.join('\n') || 'none'}\n${web.proc.tail()}`,
      },
    );
    expect(layer.resolution).toBeGreaterThanOrEqual(0);
    expect(layer.resolution).toBeLessThanOrEqual(15);
    // Frames keep coming: the count goes on rising.
    await waitFor(async () => ((await readLayer())?.frames ?? 0) > layer.frames, {
      timeoutMs: 20_000,
      intervalMs: 250,
      what: `more heatmap frames than ${layer.frames}`,
    });
  });

  it('shows the simulator and a positions/s figure above zero in the status bar', async () => {
    const text = await waitFor(
      async () => {
        const t = await statusText();
        const rate = positionsPerSecond(t);
        return /simulator/i.test(t) && rate !== undefined && rate > 0 ? t : null;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'a status bar naming "simulator" with positions/s > 0', detail: () => '' },
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\nstatus text was: ${JSON.stringify(await statusText())}`);
    });
    expect(text).toMatch(/simulator/i);
  });

  it('draws the map and heat: the screenshot is not blank, and it changes as devices move', async () => {
    await mkdir(resultsDir, { recursive: true });
    const first = await mapScreenshot();
    const file = join(resultsDir, 'web-mode.png');
    await writeFile(file, first);
    const image = decodePng(first);
    const stats = pixelStats(image);
    const summary = `${file}: ${image.width}x${image.height}, ${JSON.stringify(stats)}`;
    console.log(summary);
    expect(image.width * image.height, summary).toBeGreaterThan(100 * 100);
    expect(stats.nonBackground / stats.pixels, `drawn share; ${summary}`).toBeGreaterThan(0.01);
    expect(stats.distinctColours, `distinct colours; ${summary}`).toBeGreaterThanOrEqual(8);
    // Heat colours (blue → cyan → green → yellow → red) are strongly saturated; land and water are not.
    expect(stats.saturated, `saturated pixels; ${summary}`).toBeGreaterThan(50);

    // Live: as frames arrive, pixels change (hexes gain and lose devices).
    await waitFor(async () => changedPixels(image, decodePng(await mapScreenshot())) > 0, {
      timeoutMs: 20_000,
      intervalMs: 500,
      what: 'the map to change between screenshots',
    });
  });

  it('sends every request to the engine’s own loopback origin', () => {
    expect(requests.length).toBeGreaterThan(0);
    const own = new Set([`http://127.0.0.1:${web.port}`, `ws://127.0.0.1:${web.port}`]);
    const foreign = requests.filter((u) => {
      if (u.startsWith('data:') || u.startsWith('blob:')) return false;
      const url = new URL(u);
      return !own.has(`${url.protocol}//${url.host}`);
    });
    expect(foreign, `requests that left the engine: ${foreign.join(', ')}`).toEqual([]);
    expect(
      requests.some((u) => u.startsWith(`ws://127.0.0.1:${web.port}/rpc`)),
      requests.join('\n'),
    ).toBe(true);
  });

  it('drops the token from the address bar, and a reload (by its cookie) brings the workstation back live', async () => {
    expect(page.url()).toBe(`${web.origin}/`);
    const before = (await readLayer())?.frames ?? 0;
    await page.reload({ waitUntil: 'load' });
    expect(page.url()).toBe(`${web.origin}/`);
    // A fresh page counts its frames from zero: new ones arriving means the WebSocket opened with the cookie.
    await waitFor(async () => ((await readLayer())?.frames ?? 0) >= 2, {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: `frames after the reload (${before} before)`,
    });
    expect(positionsPerSecond(await statusText())).toBeGreaterThan(0);
  });

  it('logs no console error and no CSP violation', async () => {
    expect(await readCspViolations()).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
