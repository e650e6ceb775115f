/** The workstation in Chromium with the Fences panel open and the drawing ready, over a web-mode engine. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { hasHook, hook, launchChromium, openPage } from './chromium';
import { waitFor } from './process';
import { callOf, connectRpc, type TestRpcClient } from './rpc-client';
import type { Call } from './typed-call';
import { startWebMode, type WebMode } from './web-mode';

export interface FencesPage {
  web: WebMode;
  rpc: TestRpcClient;
  call: Call;
  browser: Browser;
  page: Page;
  /** The map's top left on the page. */
  mapAt: { x: number; y: number };
  /** The drawing tool's mode ('static' when idle), undefined until it has started. */
  drawingMode(): Promise<string | undefined>;
  /** A click on the map, `x` and `y` px from its top left. */
  click(x: number, y: number): Promise<void>;
  /** Draws a polygon through these map points with the Draw polygon tool, finished with Enter. */
  drawPolygon(points: [number, number][]): Promise<void>;
  close(): Promise<void>;
}

export async function openFencesPage(args: string[], viewport = { width: 1280, height: 800 }): Promise<FencesPage> {
  const web = await startWebMode({ args });
  const c = await connectRpc(web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
  if (!c.ok) throw new Error(c.error);
  const browser = await launchChromium();
  const page = await openPage(browser, { viewport });
  await page.goto(web.url, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Fences' }).click();
  await page.getByRole('region', { name: 'Fences' }).first().waitFor();
  const box = (await page.getByRole('application', { name: 'Map' }).boundingBox())!;
  const mapAt = { x: box.x, y: box.y };
  const drawingMode = async () => ((await hasHook(page, 'drawing')) ? (await hook(page, 'drawing')).mode : undefined);
  const click = (x: number, y: number) => page.mouse.click(mapAt.x + x, mapAt.y + y);
  // terra-draw starts once the map's style is in.
  await waitFor(async () => (await drawingMode()) !== undefined, { timeoutMs: 30_000, what: 'the drawing ready on the map' });
  return {
    web,
    rpc: c.client,
    call: callOf(c.client),
    browser,
    page,
    mapAt,
    drawingMode,
    click,
    async drawPolygon(points) {
      await page.getByRole('button', { name: 'Draw polygon' }).click();
      for (const [x, y] of points) await click(x, y);
      await page.keyboard.press('Enter');
      await waitFor(async () => (await drawingMode()) === 'select', { timeoutMs: 5000, what: 'the polygon finished and selected for editing' });
    },
    async close() {
      await c.client.close();
      await browser.close();
      await web.stop();
    },
  };
}

/** A suite's fences page: opened before its tests, closed after them; its fields are there once they run. */
export function fencesPage(args: string[], viewport?: { width: number; height: number }): FencesPage {
  const fp = {} as FencesPage;
  beforeAll(async () => {
    Object.assign(fp, await openFencesPage(args, viewport));
  });
  afterAll(async () => {
    await fp.close?.();
  });
  return fp;
}
