// Backtest before deploy, in Chromium against web mode over a fixture archive: the counts the panel shows
// equal `fences.backtest` over RPC (which equals the engine over the same positions: main/fences/backtest.test.ts),
// the events are drawn on the map, and a run is cancelled mid-way.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fence } from '../../shared/fence';
import {
  type Call,
  callOf,
  connectRpc,
  archiveFenceScenario,
  hook,
  launchChromium,
  openPage,
  payloadsOf,
  startWebMode,
  tempDir,
  type TestRpcClient,
  waitFor,
  type WebMode,
} from '../helpers';

let web: WebMode;
let rpc: TestRpcClient;
let browser: Browser;
let page: Page;
let cleanup: () => Promise<void>;
let fence: Fence;
let archived = 0;

const call: Call = (method, params, timeoutMs) => callOf(rpc, 60_000)(method, params, timeoutMs);

beforeAll(async () => {
  const temp = await tempDir();
  cleanup = temp.cleanup;
  // 200,000 positions (and the scenario's edge cases) over three hours that ended two hours ago, archived as Parquet.
  ({ fence, archived } = await archiveFenceScenario(temp.dir, { devices: 400, fixesPerDevice: 500, stepMs: 50 }));

  // A quiet simulator: the backtested fence detects inside and outside, so every live fix would be an event.
  web = await startWebMode({ dataDir: temp.dir, args: ['--simulator.devices', '10', '--simulator.ratePerSec', '10'] });
  const c = await connectRpc(web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
  if (!c.ok) throw new Error(c.error);
  rpc = c.client;
  const { version: _v, ...input } = fence;
  await call('fences.save', { fence: { ...input, name: 'Backtested' } });
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(web.url, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Fences' }).click();
}, 120_000);

afterAll(async () => {
  await rpc?.close();
  await browser?.close();
  await web?.stop();
  await cleanup?.();
});

describe('backtest before deploy', () => {
  it('shows what a fence would have fired over the last day: the same counts as fences.backtest, and the events on the map', async () => {
    await page.getByRole('listitem', { name: 'Backtested' }).getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Backtest range').selectOption('day');
    await page.getByRole('button', { name: 'Backtest', exact: true }).click();
    const result = page.getByRole('region', { name: 'Backtest result' });
    await result.waitFor({ timeout: 60_000 });

    const now = Date.now();
    const { version: _v, ...input } = fence;
    const expected = await call('fences.backtest', {
      fence: { ...input, name: 'Backtested' },
      from: now - 24 * 3_600_000,
      to: now,
    });
    expect(expected.positions).toBe(archived);
    expect(expected.events).toBeGreaterThan(0);
    expect(await result.textContent()).toContain(
      `${expected.events.toLocaleString('en-US')} events from ${expected.positions.toLocaleString('en-US')} positions`,
    );
    const shown = await result
      .getByRole('list', { name: 'Events by type' })
      .getByRole('listitem')
      .evaluateAll((items) => items.map((i) => i.getAttribute('aria-label')));
    expect(shown.sort()).toEqual(
      Object.entries(expected.byType)
        .map(([t, n]) => `${t}: ${n}`)
        .sort(),
    );
    const ids = await hook(page, 'layerIds');
    expect(ids).toContain('backtest-points');

    // The device with most events, picked: its archived track through the fence is drawn.
    const top = expected.byDevice[0]!.device_id;
    await result.getByRole('button', { name: `Track of ${top}` }).click();
    const track = await call('fences.backtestTrack', { device_id: top, from: now - 24 * 3_600_000, to: now });
    expect(track.points.length).toBeGreaterThan(1);
    await expect.poll(() => result.getByRole('status').textContent()).toContain(`${top}: ${track.points.length.toLocaleString('en-US')} positions`);
    await expect.poll(() => hook(page, 'layerIds')).toContain('backtest-track');
  });

  it('stops a run when it is cancelled', async () => {
    const { version: _v, ...input } = fence;
    const jobId = 'cancel-me';
    const progressOf = () => payloadsOf(rpc, 'jobs.progress').filter((p) => p.jobId === jobId);
    const running = rpc.call('fences.backtest', { fence: { ...input, name: 'Backtested' }, jobId }, 60_000);
    await waitFor(() => progressOf().length > 0, { timeoutMs: 30_000, intervalMs: 1, what: 'the first progress of the run' });
    expect(await call('jobs.cancel', { jobId })).toEqual({ cancelled: true });
    const reply = await running;
    expect(reply.error).toMatchObject({ code: 'cancelled', message: 'backtest cancelled' });
    expect(progressOf().every((p) => p.method === 'fences.backtest')).toBe(true);
    expect(Math.max(...progressOf().map((p) => (p.method === 'fences.backtest' ? p.positions : 0)))).toBeLessThan(archived);
    expect(await call('jobs.cancel', { jobId })).toEqual({ cancelled: false });
  });
});
