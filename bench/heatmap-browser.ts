/**
 * The heatmap bench's measurements in Chromium (bench/heatmap.ts): frames applied to our layer and to a
 * bare deck.gl H3HexagonLayer, to the next paint; delta frames against the same frames whole.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startEngine, startWebBridge } from '../main';
import { changedPixels, decodePng, hasHook, launchChromium, openPage, waitFor } from '../tests/helpers';

/** A page of the workstation against a real engine in web mode, the heatmap ready, with `frames` in the page as `window.__benchFrames`. */
async function inBrowser<T>(frames: ArrayBuffer[], use: (page: Page) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hexwatch-bench-'));
  // No live frames reach the page (below): the map holds the benchmark's frames only.
  const engine = await startEngine({ argv: ['--data-dir', dataDir, '--simulator.devices', '100', '--live.frameIntervalMs', '60000'], env: {}, log: () => {} });
  const staticDir = join(process.cwd(), 'out', 'renderer');
  const bridge = await startWebBridge({ engine, host: '127.0.0.1', port: 0, staticDir });
  const browser = await launchChromium();

  try {
    const page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    // The live frames of the page's own engine (its binary messages) stop at the page's door: the map before
    // the benchmark's frames is bare, and a frame arriving while a million cells paint cannot replace them.
    await page.routeWebSocket(/./, (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((m) => server.send(m));
      server.onMessage((m) => typeof m === 'string' && ws.send(m));
    });
    await page.goto(bridge.url);
    await waitFor(() => hasHook(page, 'applyFrame'), { timeoutMs: 60_000, what: 'the heatmap ready' });
    const b64 = frames.map((f) => Buffer.from(f).toString('base64'));
    // The first-run welcome would cover the map in its shots.
    const welcome = page.getByRole('dialog').getByRole('button', { name: 'Close' });
    if (await welcome.isVisible()) await welcome.click();
    await page.evaluate(`window.__benchFrames = ${JSON.stringify(b64)}.map((s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)).buffer)`);
    return await use(page);
  } finally {
    await browser.close();
    await bridge.close();
    await engine.stop();
  }
}

/** Runs `script` (plain JavaScript over `window.__hexwatch` and `window.__benchFrames`) in the page. */
function run<T>(page: Page, script: string): Promise<T> {
  return page.evaluate(`(${script})(window.__hexwatch, window.__benchFrames)`) as Promise<T>;
}

/**
 * The map as the analyst sees it once it has settled: a shot the next one matches. Under SwiftShader a
 * million cells take seconds to paint, and a shot taken meanwhile can catch the canvas half drawn.
 */
async function settledMapShot(page: Page) {
  const map = page.getByRole('application', { name: 'Map' });
  let last = decodePng(await map.screenshot({ timeout: 300_000 }));
  for (let i = 0; i < 5; i++) {
    const next = decodePng(await map.screenshot({ timeout: 300_000 }));
    if (changedPixels(last, next) === 0) return next;
    last = next;
  }
  throw new Error('the map did not settle: five shots in a row differ');
}

/**
 * Our layer and the bare one to the next paint; `pixels`: how many of the map's pixels each changed
 * from the map before them (a layer that failed to draw changes none), and what the page logged as errors.
 */
export type ApplyFigures = {
  cold: number;
  warm: number[];
  painted: number[];
  baseline: number[];
  cells: number;
  pixels: { ours: number; bare: number };
  errors: string[];
};

export async function measureApply(frames: ArrayBuffer[], rounds = { ours: 20, bare: 8 }): Promise<ApplyFigures> {
  return inBrowser(frames, async (page) => {
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text().slice(0, 300)));
    page.on('pageerror', (e) => errors.push(e.message.slice(0, 300)));
    const before = await settledMapShot(page);
    // Plain JavaScript text: tsx would wrap named functions in a helper the page does not have.
    const ours = await run<Omit<ApplyFigures, 'baseline' | 'pixels' | 'errors'>>(
      page,
      `async (hook, bufs) => {
        const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
        const cold = hook.applyFrame(bufs[0].slice(0));
        await nextFrame();
        const warm = [];
        const painted = [];
        for (let i = 1; i <= ${rounds.ours}; i++) {
          const t0 = performance.now();
          warm.push(hook.applyFrame(bufs[i % bufs.length].slice(0)));
          await nextFrame();
          painted.push(performance.now() - t0);
        }
        return { cold, warm, painted, cells: hook.layer().cells };
      }`,
    );
    const oursShot = await settledMapShot(page);
    // Baseline: the same frames through a bare H3HexagonLayer, to the next paint.
    const baseline = await run<number[]>(
      page,
      `async (hook, bufs) => {
        const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
        const baseline = [];
        for (let i = 1; i <= ${rounds.bare}; i++) {
          const t0 = performance.now();
          hook.applyBaseline(bufs[i % bufs.length].slice(0));
          await nextFrame();
          baseline.push(performance.now() - t0);
        }
        return baseline;
      }`,
    );
    const bareShot = await settledMapShot(page);
    return { ...ours, baseline, pixels: { ours: changedPixels(before, oursShot), bare: changedPixels(before, bareShot) }, errors };
  });
}

/** Applies each frame i (1..n) after frame i - 1 twice: whole, and as its delta (deltas[i - 1], which follows frame i - 1). */
export async function measureDeltaApply(full: ArrayBuffer[], deltas: ArrayBuffer[]) {
  type Figures = { full: number[]; delta: number[]; fullPainted: number[]; deltaPainted: number[]; cells: number; deltasApplied: number };
  return inBrowser([...full, ...deltas], (page) =>
    run<Figures>(
      page,
      `async (hook, bufs) => {
      const n = ${deltas.length};
      const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
      const timed = async (buffer) => {
        const t0 = performance.now();
        const applied = hook.applyFrame(buffer.slice(0));
        await nextFrame();
        return { applied, painted: performance.now() - t0 };
      };
      const out = { full: [], delta: [], fullPainted: [], deltaPainted: [] };
      const before = hook.layer().deltas;
      for (let i = 1; i <= n; i++) {
        hook.applyFrame(bufs[i - 1].slice(0));
        await nextFrame();
        const whole = await timed(bufs[i]);
        hook.applyFrame(bufs[i - 1].slice(0));
        await nextFrame();
        const delta = await timed(bufs[n + i]);
        // A frame or delta refused (0 ms) says nothing about its cost.
        if (delta.applied === 0 || whole.applied === 0) throw new Error('frame ' + i + ' refused: ' + (whole.applied === 0 ? 'whole' : 'as a delta'));
        out.full.push(whole.applied);
        out.fullPainted.push(whole.painted);
        out.delta.push(delta.applied);
        out.deltaPainted.push(delta.painted);
      }
      const layer = hook.layer();
      return { ...out, cells: layer.cells, deltasApplied: layer.deltas - before };
    }`,
    ),
  );
}
