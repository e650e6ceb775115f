/**
 * npm run bench -- fences-ui
 * The Fences screen with 1,000 saved fences (polygons of 10–200 vertices) in Chromium: the time from the
 * fences in hand to the next paint with all of them drawn by our layers (fill, outline, names) against a
 * bare deck.gl GeoJsonLayer of the same polygons, in the same page (medians of several draws); the map's
 * frame time while it pans over them; and the live feed taking 1,000 events a second for 30 s with the
 * panel open: events kept in its list (none may drop) and the main thread's long tasks.
 * Writes bench/results/fences-ui.json.
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fence } from '../shared/fence';
import { startEngine, startWebBridge } from '../main';
import { seededRandom } from '../main/simulator';
import { hasHook, launchChromium, openPage, waitFor } from '../tests/helpers';
import { writeResult, runBench } from './results';
import { median, percentile, round } from './stats';

const FENCES = 1000;
const FEED_RATE = 1000;
const FEED_SECONDS = 30;
const log = (s: string) => process.stdout.write(`${s}\n`);

/** 1,000 star-ish polygons of 10–200 vertices over 40 km around Times Square. */
function fences(): Fence[] {
  const random = seededRandom(11);
  return Array.from({ length: FENCES }, (_, i) => {
    const n = 10 + Math.floor(random() * 191);
    const cx = -73.9851 + (random() - 0.5) * 0.5;
    const cy = 40.7589 + (random() - 0.5) * 0.35;
    const r = 0.002 + random() * 0.006;
    const ring: [number, number][] = Array.from({ length: n }, (_, k) => {
      const a = (2 * Math.PI * k) / n;
      const rr = r * (0.7 + 0.3 * random());
      return [Number((cx + rr * Math.cos(a)).toFixed(6)), Number((cy + rr * Math.sin(a) * 0.76).toFixed(6))];
    });
    ring.push(ring[0]!);
    return {
      id: `bench-${i}`,
      name: `Zone ${i}`,
      geometry: { type: 'Polygon', coordinates: [ring] },
      detect: ['enter', 'exit'],
      targets: [],
      enabled: true,
      version: 1,
    };
  });
}

async function main() {
  log(`hexwatch bench fences-ui: ${FENCES} fences, ${cpus().length} cores, node ${process.version}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'hexwatch-bench-'));
  // No heatmap frames: each would redraw the map while the fences are timed.
  const engine = await startEngine({
    argv: ['--data-dir', dataDir, '--simulator.devices', '100', '--simulator.ratePerSec', '100', '--live.frameIntervalMs', '60000'],
    env: {},
    log: () => {},
  });
  const bridge = await startWebBridge({ engine, host: '127.0.0.1', port: 0, staticDir: join(process.cwd(), 'out', 'renderer') });
  const browser = await launchChromium();
  try {
    const page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
    await page.goto(bridge.url);
    await waitFor(() => hasHook(page, 'benchDrawFences'), { timeoutMs: 60_000, what: 'the fences benchmark hooks' });
    await page.getByRole('button', { name: 'Fences' }).click();
    const list = fences();

    // Plain JavaScript text: tsx would wrap named functions in a helper the page does not have.
    const draws = (await page.evaluate(`(async (list) => {
      const hook = window.__hexwatch;
      // In blocks, not alternating: switching layer kinds at every draw stalls SwiftShader on either.
      const ours = [], bare = [];
      for (let i = 0; i < 8; i++) ours.push(await hook.benchDrawFences(list.slice(), false));
      const pan = await hook.benchPan(3000);
      for (let i = 0; i < 8; i++) bare.push(await hook.benchDrawFences(list.slice(), true));
      const panBare = await hook.benchPan(3000);
      hook.benchClear();
      return { ours, bare, pan, panBare };
    })(${JSON.stringify(list)})`)) as { ours: number[]; bare: number[]; pan: number[]; panBare: number[] };
    // The first draw of each builds fonts and shaders: the medians take the warm ones.
    const first = round(median(draws.ours.slice(1)));
    const bareFirst = round(median(draws.bare.slice(1)));
    log(
      `first draw of ${FENCES} fences: ours p50 ${first} ms (cold ${round(draws.ours[0]!)} ms), bare GeoJsonLayer p50 ${bareFirst} ms (cold ${round(draws.bare[0]!)} ms), ratio ${round(first / bareFirst, 3)}`,
    );
    log(`pan frame time: ours p50 ${round(median(draws.pan))} ms, p95 ${round(percentile(draws.pan, 95))} ms; bare p50 ${round(median(draws.panBare))} ms`);

    const feed = (await page.evaluate(`(async ({ rate, seconds, fences }) => {
      const hook = window.__hexwatch;
      const before = hook.benchFeedLength();
      let long = 0;
      const observer = new PerformanceObserver((l) => { for (const e of l.getEntries()) long += e.duration; });
      observer.observe({ type: 'longtask', buffered: false });
      const start = performance.now();
      let sent = 0;
      await new Promise((done) => {
        const timer = setInterval(() => {
          const due = Math.min(rate * seconds, Math.floor(((performance.now() - start) / 1000) * rate));
          for (; sent < due; sent++) {
            const f = fences[sent % fences.length];
            hook.benchEvent({ id: 'e' + sent, event: { event_type: sent % 2 ? 'exit' : 'enter', fence_id: f, device_id: 'dev-' + (sent % 5000), position: { lat: 40.7589 + ((sent % 97) - 48) * 0.001, lon: -73.9851 + ((sent % 89) - 44) * 0.0012 }, timestamp: Date.now(), source: 'embedded' } });
          }
          if (sent >= rate * seconds) { clearInterval(timer); done(null); }
        }, 10);
      });
      const wall = performance.now() - start;
      await new Promise((r) => setTimeout(r, 1500));
      observer.disconnect();
      return { sent, kept: hook.benchFeedLength() - before, wall, long };
    })(${JSON.stringify({ rate: FEED_RATE, seconds: FEED_SECONDS, fences: list.slice(0, 50).map((f) => f.id) })})`)) as {
      sent: number;
      kept: number;
      wall: number;
      long: number;
    };
    const rows = await page.getByRole('region', { name: 'Fence events' }).getByRole('listitem').count();
    const perS = round(feed.sent / (feed.wall / 1000), 1);
    const busy = round(feed.long / feed.wall, 3);
    log(
      `feed: ${feed.sent} events in ${round(feed.wall / 1000, 1)} s (${perS}/s), ${feed.kept} in its list (${feed.sent - feed.kept} dropped), ${rows} rows in the page, long tasks ${round(feed.long)} ms (${round(busy * 100, 1)} % of the time)`,
    );

    const result = {
      fences: FENCES,
      vertices: '10–200 per polygon',
      first_draw_ms: first,
      bare_first_draw_ms: bareFirst,
      ratio_vs_bare: round(first / bareFirst, 3),
      first_draw_cold_ms: round(draws.ours[0]!),
      bare_first_draw_cold_ms: round(draws.bare[0]!),
      pan_frame_ms_p50: round(median(draws.pan)),
      pan_frame_ms_p95: round(percentile(draws.pan, 95)),
      bare_pan_frame_ms_p50: round(median(draws.panBare)),
      feed_events_per_s: perS,
      feed_events: feed.sent,
      feed_dropped: feed.sent - feed.kept,
      feed_rows_in_page: rows,
      main_thread_busy: busy,
      renderer: 'Chromium, WebGL through SwiftShader',
    };
    writeResult('fences-ui', result);
    log('wrote bench/results/fences-ui.json');
  } finally {
    await browser.close();
    await bridge.close();
    await engine.stop();
  }
}

runBench(main);
