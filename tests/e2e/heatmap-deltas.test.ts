// The live heatmap fed by deltas (only the cells that changed, appeared or vanished), in Chromium against
// web mode over a real nats-server: after the map has drawn deltas, its cells and their counts are the
// engine's full frame for the same view, cell for cell — new cells in, cells whose fixes left the window out.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { cellToParent, latLngToCell } from 'h3-js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrame } from '../../shared/heatmap-frame';
import { cellToHex } from '../../shared/h3-cell';
import { engineRpc, hook, launchChromium, openPage, startNats, startWebMode, waitFor, type EngineRpc, type RunningServer, type WebMode } from '../helpers';

let nats: RunningServer;
let nc: NatsConnection;
let web: WebMode;
let rpc: EngineRpc;
let browser: Browser;
let page: Page;

const WINDOW_S = 60;
// Around the map's home (Times Square), well inside the first view.
const CENTRE = { lat: 40.7589, lon: -73.9851 };

/** `n` devices named `prefix-i` on a disc of `radiusKm` around a point `northKm` north of the centre, each fixed once at `ts`. */
function fixes(prefix: string, n: number, ts: number, northKm: number, radiusKm: number) {
  return Array.from({ length: n }, (_, i) => {
    const angle = i * 2.39996; // golden angle: the disc filled evenly
    const r = radiusKm * Math.sqrt((i + 0.5) / n);
    return { id: `${prefix}-${i}`, ts, lat: CENTRE.lat + (northKm + r * Math.sin(angle)) / 111, lon: CENTRE.lon + (r * Math.cos(angle)) / 84 };
  });
}

async function publish(positions: { id: string; ts: number; lat: number; lon: number }[]): Promise<void> {
  for (const p of positions) nc.publish('pos.deltas', JSON.stringify(p));
  await nc.flush();
}

/** The cells (at the view's resolution) the engine puts these fixes in, as the aggregator does: the parent of each fix's resolution-15 cell. */
const cellsOf = (positions: { lat: number; lon: number }[], res: number) => new Set(positions.map((p) => cellToParent(latLngToCell(p.lat, p.lon, 15), res)));

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  await (await jetstreamManager(nc)).streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
  web = await startWebMode({ args: ['--nats', nats.url, '--live.windowS', String(WINDOW_S)] });
  rpc = await engineRpc(web);
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
  await page.goto(web.url, { waitUntil: 'load' });
  // Frames come before any fix does (empty ones): the page holds a frame the next deltas follow.
  await waitFor(async () => (await hook(page, 'layer')).frames > 0 && (await hook(page, 'view')).requested !== undefined, {
    timeoutMs: 60_000,
    what: 'a first (empty) frame of the home view',
  });
});

afterAll(async () => {
  await browser?.close();
  await rpc?.close();
  await web?.stop();
  await nc?.close();
  await nats?.stop();
});

describe('the live heatmap drawn from deltas', () => {
  it('shows, cell for cell, what the engine’s full frame of the view says — cells that appeared in, cells whose fixes left the window out', async () => {
    const { requested } = await hook(page, 'view');
    const res = requested!.resolution;
    // Leaving: fixed long enough ago that they fall out of the window in half a minute. Staying: fixed now, on a disc of their own.
    const now = Date.now();
    const leaving = fixes('leaving', 120, now - (WINDOW_S - 25) * 1000, 7, 4);
    const staying = fixes('staying', 160, now, -7, 5);
    const leavingOnly = [...cellsOf(leaving, res)].filter((c) => !cellsOf(staying, res).has(c));
    expect(leavingOnly.length).toBeGreaterThan(3);
    await publish([...leaving, ...staying]);

    await waitFor(async () => (await hook(page, 'drawnCells')).cells.length >= cellsOf([...leaving, ...staying], res).size, {
      timeoutMs: 30_000,
      what: 'both discs drawn',
    });
    // Then the leaving disc's cells go, and the map settles on the staying disc's, carried by deltas since the last full frame.
    const expected = [...cellsOf(staying, res)].sort();
    const drawn = await waitFor(
      async () => {
        const d = await hook(page, 'drawnCells');
        return d.deltasSinceFull >= 2 && d.cells.map(([hex]) => hex).join() === expected.join() ? d : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the leaving cells gone, by deltas' },
    );
    expect((await hook(page, 'layer')).deltas).toBeGreaterThan(2);

    // The engine's full frame of the same view now: the same cells with the same counts.
    const full = decodeFrame((await rpc.call('heatmap.snapshot', requested!.viewport)) as ArrayBuffer);
    const engineCells = Array.from({ length: full.count }, (_, i): [string, number, number] => [
      cellToHex(full.cellHi[i], full.cellLo[i]),
      full.positions[i],
      full.devices[i],
    ]).sort((a, b) => (a[0] < b[0] ? -1 : 1));
    expect(drawn.cells).toEqual(engineCells);
    expect(drawn.cells.reduce((n, [, , devices]) => n + devices, 0)).toBe(staying.length);
    for (const hex of leavingOnly) expect(await hook(page, 'cellColour', hex)).toBeUndefined();
  });
});
