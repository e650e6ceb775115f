// Empty states where they happen, in Chromium against web mode over NATS (no simulator: nothing arrives
// that the test did not put there): playback of an empty archive says so in a small note that leaves the
// map uncovered; a backtest over a range without positions says why and offers the range the archive has.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Fence } from '../../shared/fence';
import { engineRpc, archiveFenceScenario, launchChromium, openPage, type RunningServer, startNats, startWebMode, tempDir, type WebMode } from '../helpers';

let nats: RunningServer;
let browser: Browser;
let page: Page | undefined;

/** A web-mode engine reading the (empty) positions stream, over `dataDir` when given. */
const engineOver = (dataDir?: string): Promise<WebMode> => startWebMode({ dataDir, args: ['--nats', nats.url] });

beforeAll(async () => {
  nats = await startNats();
  const nc = await connect({ servers: nats.url });
  await (await jetstreamManager(nc)).streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
  await nc.close();
  browser = await launchChromium();
}, 60_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: `test-results/empty-states-${ctx.task.name.slice(0, 24).replace(/\W/g, '_')}.png` });
});

afterAll(async () => {
  await browser?.close();
  await nats?.stop();
});

describe('playback of an empty archive', () => {
  let web: WebMode;
  beforeAll(async () => {
    web = await engineOver();
  }, 60_000);
  afterAll(async () => {
    await page?.context().close();
    await web?.stop();
  });

  it('says there is nothing to play back in a small note, and leaves the map uncovered', async () => {
    page = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await page.goto(web.url, { waitUntil: 'load' });
    const map = page.getByRole('application', { name: 'Map' });
    await map.click({ position: { x: 300, y: 300 } });
    await page.keyboard.press('y');
    const note = page.getByRole('status', { name: 'Playback' });
    await expect.poll(() => note.textContent(), { timeout: 15_000 }).toMatch(/^Nothing to play back yet: the archive is empty\./);
    const box = (await note.boundingBox())!;
    const area = (await map.boundingBox())!;
    expect(box.width).toBeLessThan(400);
    expect(box.height).toBeLessThan(80);
    // On the map, a sliver of it: the rest is the map's.
    expect(box.x).toBeGreaterThanOrEqual(area.x);
    expect(box.x + box.width).toBeLessThanOrEqual(area.x + area.width);
    expect((box.width * box.height) / (area.width * area.height)).toBeLessThan(0.03);
    expect(await page.getByRole('group', { name: 'Time playback' }).count()).toBe(0);
    await note.getByRole('button', { name: 'Back to live' }).click();
    expect(await note.count()).toBe(0);
  });
});

describe('a backtest over a range without positions', () => {
  let web: WebMode;
  let cleanup: () => Promise<void>;
  let fence: Fence;
  let archived = 0;
  beforeAll(async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    // Positions of five to four hours ago, archived as Parquet: the last hour holds none.
    ({ fence, archived } = await archiveFenceScenario(temp.dir, { devices: 60, fixesPerDevice: 120, stepMs: 400 }));
    web = await engineOver(temp.dir);
    const rpc = await engineRpc(web);
    const { version: _v, ...input } = fence;
    await rpc.call('fences.save', { fence: { ...input, name: 'Backtested' } });
    await rpc.close();
  }, 120_000);
  afterAll(async () => {
    await page?.context().close();
    await web?.stop();
    await cleanup?.();
  });

  it('says there are no positions in the range, where the archive has them, and backtests that at a click', async () => {
    page = await openPage(browser, { viewport: { width: 1440, height: 900 } });
    await page.goto(web.url, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'Fences' }).click();
    await page.getByRole('listitem', { name: 'Backtested' }).getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Backtest range').selectOption('hour');
    await page.getByRole('button', { name: 'Backtest', exact: true }).click();
    const result = page.getByRole('region', { name: 'Backtest result' });
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toMatch(/^No positions between .+ and .+: a backtest replays archived positions/);
    await expect.poll(() => result.textContent()).toContain(`The archive holds ${archived.toLocaleString('en-US')} positions from `);
    // No chart of nothing.
    expect(await result.getByRole('img', { name: 'Events over time' }).count()).toBe(0);
    await result.getByRole('button', { name: 'Backtest over the whole archive' }).click();
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toMatch(new RegExp(`events from ${archived.toLocaleString('en-US')} positions`));
    expect(await page.getByLabel('Backtest range').inputValue()).toBe('all');
  });
});
