// The status bar of an engine of a fleet (cluster.partitions): it says how many partitions the server has
// pinned to this engine, and which in its tooltip — the same as status.get — in both themes, at the
// workstation's two usual sizes, with nothing on the bar cut short.
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  engineRpc,
  hasHook,
  launchChromium,
  openPage,
  resultsDir,
  startNats,
  startWebMode,
  SteadyPublisher,
  waitFor,
  type EngineRpc,
  type RunningServer,
  type WebMode,
} from '../helpers';

let nats: RunningServer;
let nc: NatsConnection;
let web: WebMode;
let rpc: EngineRpc;
let browser: Browser;
let publisher: SteadyPublisher;

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  web = await startWebMode({ args: ['--nats', nats.url, '--cluster.partitions', '4'] });
  rpc = await engineRpc(web);
  publisher = new SteadyPublisher({ nc, subject: 'pos', subjectOf: (id) => `pos.${id}`, ratePerSec: 200, devices: 100 }).start();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await publisher?.stop();
  await browser?.close();
  await rpc?.close();
  await web?.stop();
  await nc?.close();
  await nats?.stop();
});

it('the status bar says how many partitions this engine owns, and which, as status.get does', async () => {
  await waitFor(async () => (await rpc.call('status.get')).ingest?.partitions?.owned.length === 4, {
    timeoutMs: 30_000,
    what: 'all 4 partitions pinned here',
    detail: () => web.proc.tail(),
  });
  expect((await rpc.call('status.get')).ingest?.partitions).toEqual({ owned: [0, 1, 2, 3], total: 4 });
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [width, height] of [
      [1440, 900],
      [1280, 720],
    ]) {
      const page = await openPage(browser, { viewport: { width, height }, colorScheme });
      await page.goto(web.url, { waitUntil: 'load' });
      await waitFor(() => hasHook(page, 'layer'), { timeoutMs: 30_000, what: 'the heatmap layer' });
      const pill = page.getByRole('status').getByText('4 of 4 partitions');
      await pill.waitFor({ timeout: 15_000 });
      expect(await pill.getAttribute('title')).toBe('partitions 0, 1, 2, 3 pinned to this engine');
      // With the figures in (the stream's rate and devices), every figure, pill and the engine link read whole, none cut to an ellipsis, at either size (the source's
      // detail may be: its pill's tooltip holds it).
      await page
        .getByRole('status')
        .getByText(/^[1-9][\d,]* positions\/s$/)
        .waitFor({ timeout: 15_000 });
      await page
        .getByRole('status')
        .getByText(/^[1-9][\d,]* devices$/)
        .waitFor({ timeout: 15_000 });
      const cut = await page
        .getByRole('status')
        .locator(':scope > :not(.detail)')
        .evaluateAll((els) => els.filter((el) => el.checkVisibility() && el.scrollWidth > el.clientWidth).map((el) => el.textContent));
      expect(cut, `${width}×${height}`).toEqual([]);
      await page.screenshot({ path: join(resultsDir, `partitions-status-${colorScheme}-${width}.png`) });
      await page.context().close();
    }
  }
}, 120_000);
