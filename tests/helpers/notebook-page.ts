// A notebook in Chromium over web mode, with 40 simulated devices × 50 fixes published through a real
// nats-server and committed: what the Chromium notebook tests start from.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Locator, Page } from 'playwright-core';
import { Simulator } from '../../main/simulator';
import { launchChromium, openPage } from './chromium';
import { callOf, connectRpc } from './rpc-client';
import type { Call } from './typed-call';
import { startNats } from './servers';
import { waitFor } from './process';
import { startWebMode, type WebMode } from './web-mode';

export interface NotebookPage {
  page: Page;
  web: WebMode;
  /** An RPC call from a second client (the engine's answer, to compare with what the page shows). */
  call: Call;
  /** Replaces the SQL of cell `n` (0-based) as a person would: click, select all, type. */
  typeSql(n: number, sql: string): Promise<void>;
  /** Adds a SQL cell at the end with this SQL typed in; its region. */
  addSqlCell(sql: string): Promise<Locator>;
  /** The texts of the shown rows of the `n`th Result grid. */
  cellTexts(n: number): Promise<(string | null)[][]>;
  /** Publishes one more fix of each of the 40 devices, and waits until the history holds them. */
  publishMore(): Promise<void>;
  stop(): Promise<void>;
}

export async function openNotebookPage(): Promise<NotebookPage> {
  const nats = await startNats();
  const nc = await connect({ servers: nats.url });
  await (await jetstreamManager(nc)).streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
  const sim = new Simulator({ devices: 40, ratePerSec: 1, center: [-73.9851, 40.7589], radiusKm: 5, speedMps: 9, fleet: 'nb', seed: 7 });
  for (let i = 0; i < 50; i++) for (const p of sim.take(40, Date.now() - 60_000 + i * 1000)) nc.publish('pos.nb', JSON.stringify(p));
  await nc.flush();
  const web = await startWebMode({ args: ['--nats', nats.url, '--notebooks.snapshotMaxAgeS', '0'] });
  const c = await connectRpc(web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
  if (!c.ok) throw new Error(c.error);
  const rpc = c.client;
  const call = callOf(rpc);
  await waitFor(async () => (await call('history.counts')).hot === 2000, { timeoutMs: 60_000, what: '2000 positions committed' });
  const browser = await launchChromium();
  const page = await openPage(browser, { viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  await page.goto(web.url, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Notebooks' }).click();
  await page.getByRole('button', { name: 'New notebook' }).click();
  return {
    page,
    web,
    call,
    async typeSql(n, sql) {
      await page.getByRole('textbox', { name: 'SQL' }).nth(n).click();
      await page.keyboard.press('Control+a');
      await page.keyboard.type(sql);
    },
    async addSqlCell(sql) {
      await page.getByRole('button', { name: 'Add SQL cell' }).click();
      const cell = page.getByRole('region', { name: `Cell ${await page.getByRole('region', { name: /^Cell \d+$/ }).count()}` });
      await cell.getByRole('textbox', { name: 'SQL' }).click();
      await page.keyboard.type(sql);
      return cell;
    },
    async publishMore() {
      const before = (await call('history.counts')).hot;
      for (const p of sim.take(40, Date.now())) nc.publish('pos.nb', JSON.stringify(p));
      await nc.flush();
      await waitFor(async () => (await call('history.counts')).hot === before + 40, { timeoutMs: 30_000, what: `${before + 40} positions committed` });
    },
    cellTexts: (n) =>
      page
        .getByRole('grid', { name: 'Result' })
        .nth(n)
        .getByRole('row')
        .evaluateAll((rows) => rows.slice(1).map((r) => [...r.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent))),
    async stop() {
      await rpc.close();
      await browser.close();
      await web.stop();
      await nc.close();
      await nats.stop();
    },
  };
}
