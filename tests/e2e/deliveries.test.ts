// The Deliveries panel in Chromium against web mode, a real nats-server and loopback receivers that
// verify every signature with `standardwebhooks`: dead letters appear live, are opened, filtered and
// requeued once the receiver is fixed; a target added with a secret answers a test event; a fence's
// events are replayed to a second receiver; quarantined messages are listed and purged by reason;
// the health chart follows a backlog built and drained.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  connectRpc,
  launchChromium,
  openPage,
  type RunningServer,
  startNats,
  startWebhookReceiver,
  startWebMode,
  TEST_SECRET,
  type TestRpcClient,
  waitFor,
  type WebhookReceiver,
  type WebMode,
} from '../helpers';

let nats: RunningServer;
let nc: NatsConnection;
let web: WebMode;
let rpc: TestRpcClient;
let browser: Browser;
let page: Page;
let broken = true;
let failing: WebhookReceiver;
let second: WebhookReceiver;
const DEVICES = 20;
let enteredAt: number;

async function call<T>(method: string, params: unknown = {}): Promise<T> {
  const reply = await rpc.call(method, params);
  if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
  return reply.result as T;
}

/** Each device outside the depot, then inside a second later: one enter event each. */
async function driveIn(prefix: string, at: number): Promise<void> {
  for (let i = 0; i < DEVICES; i++) {
    nc.publish('pos.fleet', JSON.stringify({ id: `${prefix}-${i}`, lat: 52.49, lon: 13.41, ts: at - 1000 }));
    nc.publish('pos.fleet', JSON.stringify({ id: `${prefix}-${i}`, lat: 52.51, lon: 13.401 + i * 0.0005, ts: at }));
  }
  await nc.flush();
}

/** A time as a `datetime-local` input takes it (the browser's local time, to the second). */
const local = (ms: number) => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  await (await jetstreamManager(nc)).streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
  failing = await startWebhookReceiver({ respond: () => (broken ? 500 : 200) });
  second = await startWebhookReceiver();
  web = await startWebMode({
    args: [
      ...['--nats', nats.url, '--queue.maxAttempts', '2', '--queue.backoffS', '1', '--queue.jitter', '0', '--queue.fifoPerFence', 'false'],
      ...['--queue.unhealthyDlq', '5', '--queue.degradedSuccessPercent', '0'],
    ],
    env: { HEXWATCH_SECRET_SIGNING: TEST_SECRET },
  });
  const c = await connectRpc(web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
  if (!c.ok) throw new Error(c.error);
  rpc = c.client;
  await call('deliveries.saveTarget', { id: 'hook', kind: 'webhook', url: failing.url, secretRef: 'signing', timeoutMs: 2000, concurrency: 4 });
  await call('deliveries.saveTarget', { id: 'archive-hook', kind: 'webhook', url: second.url, secretRef: 'signing', timeoutMs: 2000, concurrency: 4 });
  await call('fences.save', {
    fence: { id: 'depot', name: 'Depot', geometry: { type: 'Rectangle', bbox: [13.4, 52.5, 13.42, 52.52] }, detect: ['enter'], targets: ['hook'] },
  });
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1500, height: 950 }, acceptDownloads: true });
  await page.goto(web.url, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Deliveries' }).click();
}, 120_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: `/tmp/deliveries-${ctx.task.name.slice(0, 20).replace(/\W/g, '_')}.png` });
});

afterAll(async () => {
  await rpc?.close();
  await browser?.close();
  await web?.stop();
  await failing?.close();
  await second?.close();
  await nc?.close();
  await nats?.stop();
});

const panel = () => page.getByRole('region', { name: 'Deliveries' });

describe('the Deliveries panel', () => {
  it('shows dead letters as they fail, with their attempts; once the receiver is fixed, Requeue delivers each again with its webhook-id', async () => {
    const grid = panel().getByRole('grid', { name: 'Dead letters' });
    await expect.poll(() => panel().getByText('No dead letters', { exact: true }).count()).toBe(1);
    // Nothing to act on: Requeue and Discard say so rather than look ready.
    const requeue = panel().getByRole('button', { name: 'Requeue', exact: true });
    const discard = panel().getByRole('button', { name: 'Discard', exact: true });
    for (const button of [requeue, discard]) {
      expect(await button.isDisabled()).toBe(true);
      expect(await button.getAttribute('title')).toBe('Nothing to act on: there are no dead letters');
    }
    enteredAt = Date.now() - 60_000;
    await driveIn('van', enteredAt);
    // Without a reload: queue.changed brings them.
    await expect.poll(() => grid.getAttribute('aria-rowcount'), { timeout: 30_000 }).toBe(String(DEVICES + 1));
    expect(failing.requests.filter((r) => r.verified)).toHaveLength(2 * DEVICES);

    const firstRow = grid.getByRole('row').nth(1);
    await expect.poll(() => firstRow.getByRole('gridcell').nth(2).textContent()).toBe('hook');
    await firstRow.getByRole('button', { name: /^Open msg_/ }).click();
    const detail = panel().getByRole('region', { name: /^Delivery msg_/ });
    const attempts = detail.getByRole('table', { name: 'Attempts' }).getByRole('row');
    await expect.poll(() => attempts.count()).toBe(3);
    expect(await attempts.nth(1).textContent()).toMatch(/failed500.*HTTP 500: no \(500\)/);
    const id = (await detail.getAttribute('aria-label'))!.replace('Delivery ', '');
    expect(await detail.getByRole('table', { name: 'Headers' }).textContent()).toContain(`webhook-id${id}`);
    expect(await detail.getByRole('table', { name: 'Headers' }).textContent()).toMatch(/webhook-signaturev1,.{4}…/);
    await detail.getByText('Response').first().click();
    expect(await detail.getByText('no (500)', { exact: true }).count()).toBeGreaterThan(0);
    await expect.poll(() => panel().getByRole('status', { name: 'Queue health' }).textContent()).toMatch(/^Unhealthy · 0 pending · 20 DLQ/);

    broken = false;
    await panel().getByRole('form', { name: 'Filter dead letters' }).getByLabel('Target').selectOption('hook');
    await expect.poll(() => panel().getByRole('status').filter({ hasText: 'dead letters' }).textContent()).toBe(`${DEVICES} dead letters matching the filter`);
    await panel().getByRole('button', { name: 'Requeue', exact: true }).click();
    await panel()
      .getByRole('alertdialog', { name: `Requeue ${DEVICES} dead letters?` })
      .getByRole('button', { name: `Requeue ${DEVICES}` })
      .click();

    await waitFor(() => failing.delivered().length === DEVICES, { timeoutMs: 30_000, what: 'every dead letter delivered once more' });
    const failedIds = new Set(failing.requests.filter((r) => r.answered === 500).map((r) => r.webhookId));
    expect(new Set(failing.delivered().map((r) => r.webhookId))).toEqual(failedIds);
    expect(failedIds.size).toBe(DEVICES);
    await expect.poll(() => panel().getByText('No dead letters match the filter').count(), { timeout: 10_000 }).toBe(1);
    expect(await requeue.getAttribute('title')).toBe('Nothing to act on: no dead letter matches the filter');
    expect(await discard.isDisabled()).toBe(true);
    await expect.poll(() => panel().getByRole('status', { name: 'Queue health' }).textContent(), { timeout: 10_000 }).toBe('Healthy · 0 pending · 0 DLQ');
  });

  it('adds a webhook target with a signing secret; a test event reaches the receiver signed, and its answer shows', async () => {
    await panel().getByRole('tab', { name: 'Targets' }).click();
    await panel().getByRole('button', { name: 'Add target' }).click();
    const form = panel().getByRole('form', { name: 'Add target' });
    await form.getByLabel('Name', { exact: true }).fill('signed');
    await form.getByLabel('URL').fill(second.url);
    await form.getByLabel('Signing secret name').fill('signing');
    expect(await form.textContent()).toContain('HEXWATCH_SECRET_SIGNING');
    await form.getByRole('button', { name: 'Add target' }).click();
    const target = panel().getByRole('list', { name: 'Targets' }).getByRole('listitem', { name: 'signed' });
    await target.waitFor({ timeout: 10_000 });
    expect(await target.textContent()).toContain('signing (set)');
    const before = second.requests.length;
    await target.getByRole('button', { name: 'Send test event' }).click();
    const answer = target.getByRole('status', { name: 'Test answer from signed' });
    await expect.poll(() => answer.textContent(), { timeout: 10_000 }).toMatch(/^Delivered · HTTP 200 · [\d.,]+ ms · msg_test_/);
    expect(await answer.textContent()).toContain('ok');
    const got = second.requests.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ verified: true, answered: 200 });
    expect(await answer.textContent()).toContain(got[0]!.webhookId);
  });

  it('replays a fence’s events of a time range to a second receiver: the preview counts what arrives, under new ids', async () => {
    await panel().getByRole('tab', { name: 'Replay' }).click();
    const form = panel().getByRole('form', { name: 'Replay events' });
    // By its name: the filter finds the fence's id.
    await form.getByLabel(/^Fences \(names or ids/).fill('Depot');
    await form.getByLabel('From', { exact: true }).fill(local(enteredAt - 5000));
    await form.getByLabel('To', { exact: true }).fill(local(enteredAt + 5000));
    await form.getByLabel('To target').selectOption('archive-hook');
    await form.getByRole('button', { name: 'Preview count' }).click();
    await expect
      .poll(() => form.getByRole('status', { name: 'Replay preview' }).textContent())
      .toBe(`${DEVICES} events to replay: ${DEVICES} from the queue's log, 0 from the Parquet archive.`);
    const before = second.delivered().length;
    await form.getByRole('button', { name: 'Start replay' }).click();
    await expect
      .poll(() => form.getByRole('status', { name: 'Replay result' }).textContent(), { timeout: 15_000 })
      .toMatch(new RegExp(`^${DEVICES} events queued for archive-hook`));
    await waitFor(() => second.delivered().length === before + DEVICES, { timeoutMs: 30_000, what: 'the replay delivered' });
    const replayed = second.delivered().slice(before);
    expect(new Set(replayed.map((r) => r.event.device_id))).toEqual(new Set(Array.from({ length: DEVICES }, (_, i) => `van-${i}`)));
    const originals = new Set(failing.delivered().map((r) => r.webhookId));
    expect(replayed.every((r) => r.verified && !originals.has(r.webhookId))).toBe(true);
  });

  it('lists quarantined messages with their reasons, shows one as text and hex, and purges a reason', async () => {
    for (let i = 0; i < 3; i++) nc.publish('pos.fleet', `not json ${i}`);
    for (let i = 0; i < 2; i++) nc.publish('pos.fleet', JSON.stringify({ id: `bad-${i}`, lat: 91, lon: 13.4, ts: Date.now() }));
    await nc.flush();
    await panel().getByRole('tab', { name: 'Quarantine' }).click();
    const reasons = panel().getByRole('region', { name: 'Quarantined per reason' });
    await expect.poll(() => reasons.getByRole('button').allTextContents(), { timeout: 15_000 }).toEqual(['All 5', 'invalid_json 3', 'invalid_lat 2']);
    const rows = panel().getByRole('table', { name: 'Quarantined messages' }).getByRole('row');
    expect(await rows.count()).toBe(6);
    await rows.filter({ hasText: 'invalid_lat' }).first().getByRole('button', { name: 'invalid_lat' }).click();
    const message = panel().getByRole('region', { name: /^Quarantined message POSITIONS\// });
    await expect.poll(() => message.getByLabel('Message as text').textContent()).toMatch(/"lat":91/);
    expect(await message.getByLabel('Message as hex').textContent()).toMatch(/^00000000  7b 22 69 64 22/);

    await reasons.getByRole('button', { name: 'invalid_json 3' }).click();
    await panel().getByRole('button', { name: 'Purge this reason' }).click();
    await panel().getByRole('alertdialog', { name: 'Purge every message quarantined for "invalid_json"?' }).getByRole('button', { name: 'Purge' }).click();
    await expect.poll(() => reasons.getByRole('button').allTextContents(), { timeout: 10_000 }).toEqual(['All 2', 'invalid_lat 2']);
    expect(await call('quarantine.counts')).toEqual({ invalid_lat: 2 });
  });

  it('draws the backlog over time: it rises while the receiver refuses, and falls back to 0 when it is fixed', async () => {
    await panel().getByRole('tab', { name: 'Health' }).click();
    // Refused with "come back in 20 s": the backlog holds at 20 for a few samples, then drains at the retry.
    failing.respond = () => (broken ? { status: 503, headers: { 'retry-after': '20' } } : 200);
    broken = true;
    await driveIn('truck', Date.now());
    const pendings = async () =>
      (await panel().getByRole('figure', { name: 'Backlog' }).locator('title').allTextContents())
        .filter((t) => t.startsWith('pending '))
        .map((t) => Number(/^pending (\d+)/.exec(t)![1]));
    await expect.poll(async () => Math.max(0, ...(await pendings())), { timeout: 18_000, interval: 1000 }).toBe(DEVICES);
    broken = false;
    await waitFor(() => failing.delivered().length === 2 * DEVICES, { timeoutMs: 40_000, what: 'the backlog drained' });
    await expect.poll(async () => (await pendings()).at(-1), { timeout: 15_000, interval: 1000 }).toBe(0);
    const series = await pendings();
    expect(series.indexOf(DEVICES)).toBeLessThan(series.lastIndexOf(0));
  });
});
