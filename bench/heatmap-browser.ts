/**
 * The heatmap bench's measurements in Chromium (bench/heatmap.ts): frames applied to our layer and to a
 * bare deck.gl H3HexagonLayer, to the next paint; delta frames against the same frames whole.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine, startWebBridge } from '../main';
import { hasHook, launchChromium, openPage, waitFor } from '../tests/helpers';

/** Runs `script` (plain JavaScript over `window.__hexwatch`) in Chromium against a real engine in web mode, with `frames` as its argument (base64). */
async function inBrowser<T>(frames: ArrayBuffer[], script: string): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hexwatch-bench-'));
  // No live frames during the measurement: only the benchmark's frames reach the layer.
  const engine = await startEngine({ argv: ['--data-dir', dataDir, '--simulator.devices', '100', '--live.frameIntervalMs', '60000'], env: {}, log: () => {} });
  const staticDir = join(process.cwd(), 'out', 'renderer');
  const bridge = await startWebBridge({ engine, host: '127.0.0.1', port: 0, staticDir });
  const browser = await launchChromium();

  try {
    const page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.goto(bridge.url);
    await waitFor(() => hasHook(page, 'applyFrame'), { timeoutMs: 60_000, what: 'the heatmap ready' });
    const b64 = frames.map((f) => Buffer.from(f).toString('base64'));
    return (await page.evaluate(`(${script})(${JSON.stringify(b64)})`)) as T;
  } finally {
    await browser.close();
    await bridge.close();
    await engine.stop();
  }
}

export type ApplyFigures = { cold: number; warm: number[]; painted: number[]; baseline: number[]; cells: number };

export async function measureApply(frames: ArrayBuffer[], rounds = { ours: 20, bare: 8 }): Promise<ApplyFigures> {
  // Plain JavaScript text: tsx would wrap named functions in a helper the page does not have.
  return inBrowser<ApplyFigures>(
    frames,
    `async (encoded) => {
      const hook = window.__hexwatch;
      const bufs = encoded.map((s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)).buffer);
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
      const cells = hook.layer().cells;
      // Baseline: the same frames through a bare H3HexagonLayer, to the next paint.
      const baseline = [];
      for (let i = 1; i <= ${rounds.bare}; i++) {
        const t0 = performance.now();
        hook.applyBaseline(bufs[i % bufs.length].slice(0));
        await nextFrame();
        baseline.push(performance.now() - t0);
      }
      return { cold, warm, painted, baseline, cells };
    }`,
  );
}

/**
 * Applies each frame i (1..n) after frame i - 1 twice: whole, and as its delta (deltas[i - 1], which
 * follows frame i - 1). A pair where a frame of the page's own engine came in between (the delta then
 * refused: 0 ms) is tried again.
 */
export async function measureDeltaApply(full: ArrayBuffer[], deltas: ArrayBuffer[]) {
  return inBrowser<{ full: number[]; delta: number[]; fullPainted: number[]; deltaPainted: number[]; cells: number; deltasApplied: number }>(
    [...full, ...deltas],
    `async (encoded) => {
      const hook = window.__hexwatch;
      const bufs = encoded.map((s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)).buffer);
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
        for (let attempt = 0; attempt < 3; attempt++) {
          hook.applyFrame(bufs[i - 1].slice(0));
          await nextFrame();
          const whole = await timed(bufs[i]);
          hook.applyFrame(bufs[i - 1].slice(0));
          await nextFrame();
          const delta = await timed(bufs[n + i]);
          if (delta.applied === 0 || whole.applied === 0) continue;
          out.full.push(whole.applied);
          out.fullPainted.push(whole.painted);
          out.delta.push(delta.applied);
          out.deltaPainted.push(delta.painted);
          break;
        }
      }
      const layer = hook.layer();
      return { ...out, cells: layer.cells, deltasApplied: layer.deltas - before };
    }`,
  );
}
