// The queue's figures on screen, in Chromium against web mode, a real nats-server and loopback receivers:
// while dead letters pile up, the status bar, the Deliveries panel's chip, its Dead letters tab and the
// engine's deliveries.deadLetterCounts tell the same count; a target with no traffic says so, one that
// refuses or cannot be reached says why and when it is tried next; a dead letter opens in a drawer beside
// the panel with the grid left as it was; attempts count on through a requeue; the dead letters are
// filtered by a fence's name; the grid holds still under the pointer.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Call,
  engineRpc,
  type EngineRpc,
  launchChromium,
  openPage,
  type RunningServer,
  startNats,
  startWebhookReceiver,
  startWebMode,
  TEST_SECRET,
  waitFor,
  type WebhookReceiver,
  type WebMode,
} from '../helpers';

let nats: RunningServer;
let nc: NatsConnection;
let web: WebMode;
let rpc: EngineRpc;
let call: Call;
let browser: Browser;
let page: Page;
let failing: WebhookReceiver;
let busy: WebhookReceiver;
const DEPOT = 'depot-north-gate-2024';
const YARD = 'busy-yard';
const CORNER = 'quiet-corner';
let devices = 0;

/** A device outside a fence, then inside a second later: one enter event. */
function driveIn(fence: typeof DEPOT | typeof YARD | typeof CORNER, device = `walker-${devices++}`): void {
  const [lat, lon] = fence === DEPOT ? [52.51, 13.41] : fence === YARD ? [52.61, 13.51] : [52.71, 13.61];
  const at = Date.now();
  nc.publish('pos.fleet', JSON.stringify({ id: device, lat: lat - 0.02, lon, ts: at - 1000 }));
  nc.publish('pos.fleet', JSON.stringify({ id: device, lat, lon, ts: at }));
}

/** Dead letters piling up: an event into the depot every 100 ms until stopped. */
function pileUp(): () => Promise<void> {
  const timer = setInterval(() => driveIn(DEPOT), 100);
  return async () => {
    clearInterval(timer);
    await nc.flush();
  };
}

const number = (re: RegExp, text: string | null | undefined) => Number(re.exec(text ?? '')?.[1]?.replace(/,/g, '') ?? NaN);

/** The status bar, the panel's chip, the Dead letters tab and its per-target chips, read in one go (one task of the page). */
async function onScreen() {
  const texts = await page.locator('body').evaluate((body) => {
    const text = (selector: string) => body.querySelector(selector)?.textContent ?? null;
    return {
      bar: text('footer[role="status"] [data-testid="queue-health"]'),
      chip: text('[role="status"][aria-label="Queue health"]'),
      tab: [...body.querySelectorAll('[role="tabpanel"] [role="status"]')].find((e) => /dead letter/.test(e.textContent ?? ''))?.textContent ?? null,
      perTarget: [...body.querySelectorAll('[aria-label="Dead letters per target"] button b')].map((b) => b.textContent ?? ''),
    };
  });
  return {
    ...texts,
    bar: { pending: number(/([\d,]+) pending/, texts.bar), dlq: number(/([\d,]+) DLQ/, texts.bar) },
    chip: { pending: number(/([\d,]+) pending/, texts.chip), dlq: number(/([\d,]+) DLQ/, texts.chip) },
    tab: number(/^([\d,]+) dead letters?/, texts.tab),
    perTarget: texts.perTarget.reduce((a, t) => a + Number(t.replace(/,/g, '')), 0),
  };
}

const engineDeadLetters = async () => Object.values((await call('deliveries.deadLetterCounts', {})).byTarget).reduce((a, n) => a + n, 0);

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
  await (await jetstreamManager(nc)).streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
  failing = await startWebhookReceiver({ respond: () => 500 });
  busy = await startWebhookReceiver({ respond: () => ({ status: 503, headers: { 'retry-after': '120' } }) });
  web = await startWebMode({
    args: ['--nats', nats.url, '--queue.maxAttempts', '3', '--queue.backoffS', '1', '--queue.jitter', '0', '--queue.fifoPerFence', 'false'],
    env: { HEXWATCH_SECRET_SIGNING: TEST_SECRET },
  });
  rpc = await engineRpc(web);
  call = rpc.call;
  await call('deliveries.saveTarget', { id: 'hook', kind: 'webhook', url: failing.url, timeoutMs: 2000, concurrency: 4 });
  // Signed: the receiver answers an unsigned request 401, before what the test asks of it.
  await call('deliveries.saveTarget', { id: 'busy', kind: 'webhook', url: busy.url, secretRef: 'signing', timeoutMs: 2000, concurrency: 4 });
  // Nothing listens on port 1: connections are refused.
  await call('deliveries.saveTarget', { id: 'down', kind: 'webhook', url: 'http://127.0.0.1:1/hook', timeoutMs: 2000, concurrency: 4 });
  await call('fences.save', {
    fence: { id: DEPOT, name: 'Depot North Gate', geometry: { type: 'Rectangle', bbox: [13.4, 52.5, 13.42, 52.52] }, detect: ['enter'], targets: ['hook'] },
  });
  await call('fences.save', {
    fence: { id: YARD, name: 'Busy yard', geometry: { type: 'Rectangle', bbox: [13.5, 52.6, 13.52, 52.62] }, detect: ['enter'], targets: ['busy', 'down'] },
  });
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1440, height: 900 } });
  await page.goto(web.url, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Deliveries' }).click();
}, 120_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail')
    await page?.screenshot({ path: `test-results/deliveries-figures-${ctx.task.name.slice(0, 24).replace(/\W/g, '_')}.png` });
});

afterAll(async () => {
  await rpc?.close();
  await browser?.close();
  await web?.stop();
  await failing?.close();
  await busy?.close();
  await nc?.close();
  await nats?.stop();
});

const panel = () => page.getByRole('region', { name: 'Deliveries' });
const grid = () => panel().getByRole('grid', { name: 'Dead letters' });

describe('the queue’s figures', () => {
  it('agree in the status bar, the panel’s chip, the Dead letters tab and deliveries.deadLetterCounts while dead letters pile up', async () => {
    const stop = pileUp();
    try {
      let last = 0;
      for (let moment = 0; moment < 5; moment++) {
        // Each moment once the status bar has moved on: the others must have moved with it, in the same frame.
        await waitFor(async () => (await onScreen()).bar.dlq > last, { timeoutMs: 30_000, what: `more dead letters in the status bar than ${last}` });
        const shown = await onScreen();
        const engine = await engineDeadLetters();
        expect(shown.chip, `moment ${moment}`).toEqual(shown.bar);
        expect(shown.tab, `moment ${moment}`).toBe(shown.bar.dlq);
        expect(shown.perTarget, `moment ${moment}`).toBe(shown.bar.dlq);
        // The engine is never behind the page (dead letters only pile up here).
        expect(engine).toBeGreaterThanOrEqual(shown.bar.dlq);
        last = shown.bar.dlq;
      }
    } finally {
      await stop();
    }
    // Once the last of them is dead, the page shows exactly the engine's count.
    const settled = await waitFor(
      async () => {
        const m = await call('deliveries.metrics');
        return m.pending_count + m.processing_count === 0 ? await engineDeadLetters() : undefined;
      },
      { timeoutMs: 30_000, what: 'every event of the pile-up dead' },
    );
    await waitFor(async () => (await onScreen()).bar.dlq === settled, { timeoutMs: 10_000, what: `${settled} dead letters in the status bar` });
    const shown = await onScreen();
    expect([shown.bar.dlq, shown.chip.dlq, shown.tab, shown.perTarget]).toEqual([settled, settled, settled, settled]);
    expect(await call('deliveries.deadLetters', {})).toMatchObject({ total: settled });
  });
});

describe('the targets', () => {
  it('say "no deliveries yet" for a new target, never 100 % or 0 ms', async () => {
    await panel().getByRole('tab', { name: 'Targets' }).click();
    await panel().getByRole('button', { name: 'Add target' }).click();
    const form = panel().getByRole('form', { name: 'Add target' });
    // Each kind's radio sits beside its name, on one line.
    for (const kind of ['Webhook (HTTP POST)', 'NATS subject']) {
      const radio = (await form.getByRole('radio', { name: kind }).boundingBox())!;
      const label = (await form.locator('label').filter({ hasText: kind }).boundingBox())!;
      expect(label.height, kind).toBeLessThan(2 * radio.height);
    }
    await form.getByLabel('Name', { exact: true }).fill('quiet');
    await form.getByLabel('URL').fill(failing.url);
    await form.getByRole('button', { name: 'Add target' }).click();
    const quiet = panel().getByRole('list', { name: 'Targets' }).getByRole('listitem', { name: 'quiet' });
    await expect.poll(() => quiet.textContent(), { timeout: 10_000 }).toContain('Delivered, last hourno deliveries yet');
    const text = await quiet.textContent();
    expect(text).toContain('Latency—');
    expect(text).not.toMatch(/100 %|\b0 ms/);
    // A target gets only the events of the fences attached to it: a new one says how to attach it.
    expect(await quiet.getByLabel('Fences that deliver to quiet').textContent()).toMatch(
      /^No fence delivers to it yet: open a fence .*tick it under Deliver to/,
    );
  });

  it('say why a target refuses or cannot be reached, and when it is tried next', async () => {
    driveIn(YARD);
    await nc.flush();
    const targets = panel().getByRole('list', { name: 'Targets' });
    // The receiver answered 503 with Retry-After 120: the row says so, and the time of the next try.
    const why = targets.getByRole('listitem', { name: 'busy' }).getByLabel('Why busy is refusing');
    await why.waitFor({ timeout: 15_000 });
    const figures = await waitFor(async () => (await call('deliveries.metrics')).targets.find((t) => t.target_id === 'busy' && t.next_retry_at), {
      timeoutMs: 10_000,
      what: 'the next try of busy',
    });
    const at = await page.evaluate((t) => new Date(t).toLocaleTimeString(), figures.next_retry_at!);
    await expect.poll(() => why.textContent()).toMatch(new RegExp(`^HTTP 503: no \\(503\\) — last tried .+ · next try in \\d+ (min|s), at ${at}\\.$`));
    // Which fences it gets events from, by their names.
    expect(await targets.getByRole('listitem', { name: 'busy' }).getByLabel('Fences that deliver to busy').textContent()).toBe('Gets the events of Busy yard.');
    // Nothing listens where "down" points: unreachable, with the socket's error.
    const down = targets.getByRole('listitem', { name: 'down' });
    await expect.poll(() => down.textContent(), { timeout: 15_000 }).toMatch(/Unreachable.*ECONNREFUSED 127\.0\.0\.1:1 — last tried/);
  });
});

describe('the dead letters', () => {
  it('are all in the grid the moment the tab opens, as many as its count says, with no chip clicked', async () => {
    // As an analyst meets it: a target added on the Targets tab (above); the Dead letters tab seen (its answer
    // kept), then left; the target attached to a fence and failing there; then back to Dead letters.
    const before = await engineDeadLetters();
    await panel().getByRole('tab', { name: 'Dead letters' }).click();
    await expect.poll(() => grid().getAttribute('aria-rowcount'), { timeout: 10_000 }).toBe(String(before + 1));
    await panel().getByRole('tab', { name: 'Targets' }).click();
    await call('fences.save', {
      fence: { id: CORNER, name: 'Quiet corner', geometry: { type: 'Rectangle', bbox: [13.6, 52.7, 13.62, 52.72] }, detect: ['enter'], targets: ['quiet'] },
    });
    driveIn(CORNER);
    await nc.flush();
    await waitFor(async () => (await call('deliveries.deadLetterCounts', {})).byTarget.quiet === 1, {
      timeoutMs: 30_000,
      what: 'the quiet target’s dead letter',
    });
    expect(await engineDeadLetters()).toBeGreaterThan(before);
    await panel().getByRole('tab', { name: 'Dead letters' }).click();
    const total = await engineDeadLetters();
    await expect.poll(async () => (await onScreen()).tab, { timeout: 10_000 }).toBe(total);
    await expect.poll(() => grid().getAttribute('aria-rowcount'), { timeout: 10_000 }).toBe(String(total + 1));
    // The newest first: the quiet target's, without a chip or a filter touched.
    await expect.poll(() => grid().getByRole('row').filter({ hasText: CORNER }).count(), { timeout: 10_000 }).toBe(1);
  });

  it('open in a drawer beside the panel: the grid does not scroll sideways, its tick boxes stay in view, ids show whole', async () => {
    await panel().getByRole('tab', { name: 'Dead letters' }).click();
    // The depot's receiver: its dead letters went through every try.
    await panel().getByRole('form', { name: 'Filter dead letters' }).getByLabel('Target').selectOption('hook');
    const row = grid().getByRole('row').nth(1);
    await expect.poll(() => row.getByRole('gridcell').nth(2).textContent()).toBe('hook');
    await row.waitFor();
    const scroller = grid().locator('.grid-scroll');
    expect(await scroller.evaluate((e) => e.scrollLeft)).toBe(0);
    await row.getByRole('button', { name: /^Open msg_/ }).click();
    const drawer = page.getByRole('region', { name: /^Delivery msg_/ });
    await drawer.waitFor();
    expect(await scroller.evaluate((e) => e.scrollLeft)).toBe(0);
    // The side panel does not scroll sideways either, and the drawer is beside it, not over it.
    const side = await page.locator('aside.side').evaluate((e) => ({ right: e.getBoundingClientRect().right, overflow: e.scrollWidth - e.clientWidth }));
    expect(side.overflow).toBeLessThanOrEqual(0);
    expect((await drawer.boundingBox())!.x).toBeGreaterThanOrEqual(side.right - 1);
    // The row's tick box is on screen and nothing covers it.
    const tick = row.getByRole('checkbox');
    const seen = async () =>
      tick.evaluate((box) => {
        const r = box.getBoundingClientRect();
        return box.ownerDocument.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === box;
      });
    expect(await seen()).toBe(true);
    // The why reads whole at the panel's default width, with nothing to scroll sideways for.
    const why = row.getByRole('gridcell').nth(7);
    expect(await why.textContent()).toMatch(/^HTTP \d{3}: /);
    expect(
      await why.evaluate((e) => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right <= e.closest('.grid-scroll')!.getBoundingClientRect().right),
    ).toBe(true);
    expect(await scroller.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    // Scrolled sideways by hand, the tick column stays where it was.
    const x = (await tick.boundingBox())!.x;
    await scroller.evaluate((e) => (e.scrollLeft = 300));
    expect((await tick.boundingBox())!.x).toBe(x);
    expect(await seen()).toBe(true);
    await scroller.evaluate((e) => (e.scrollLeft = 0));
    // Ids whole in their cells, and whole in the drawer.
    for (const cell of await row.locator('.id-text').all()) expect(await cell.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
    expect(await row.getByRole('gridcell').nth(3).textContent()).toBe(DEPOT);
    expect(await drawer.textContent()).toContain(`Fence${DEPOT}`);
    expect(await drawer.textContent()).toContain('Attempts3 of 3');
  });

  it('count attempts on through a requeue: 4, 5, 6 of 6 after 1, 2, 3 of 3', async () => {
    const drawer = page.getByRole('region', { name: /^Delivery msg_/ });
    const id = (await drawer.getAttribute('aria-label'))!.replace('Delivery ', '');
    await drawer.getByRole('button', { name: 'Requeue this' }).click();
    await expect.poll(() => drawer.textContent(), { timeout: 20_000 }).toContain('Attempts6 of 6');
    await expect.poll(() => drawer.getByText('dead letter', { exact: true }).count()).toBe(1);
    const numbers = await drawer
      .getByRole('table', { name: 'Attempts' })
      .getByRole('row')
      .evaluateAll((rows) => rows.slice(1).map((r) => r.firstElementChild?.textContent));
    expect(numbers).toEqual(['1', '2', '3', '4', '5', '6']);
    expect((await call('deliveries.item', { id })).attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    await drawer.getByRole('button', { name: 'Close delivery' }).click();
    await panel().getByRole('form', { name: 'Filter dead letters' }).getByLabel('Target').selectOption('');
  });

  it('are found by a fence’s name as well as its id', async () => {
    const filter = panel().getByRole('form', { name: 'Filter dead letters' });
    await filter.getByLabel('Fence').fill('busy YARD');
    const expected = (await call('deliveries.deadLetters', { fenceId: YARD })).total;
    expect(expected).toBeGreaterThan(0);
    const status = panel().getByRole('status').filter({ hasText: 'dead letter' });
    await expect.poll(() => status.textContent()).toBe(`${expected} dead letter${expected === 1 ? '' : 's'} matching the filter`);
    expect(await filter.textContent()).toContain(`fence ${YARD}`);
    const fences = await grid()
      .getByRole('row')
      .evaluateAll((rows) => rows.slice(1).map((r) => r.children[3]?.textContent));
    expect(new Set(fences)).toEqual(new Set([YARD]));
    await filter.getByLabel('Fence').fill('');
  });

  it('hold still under the pointer: new ones wait behind "N new — show"', async () => {
    const rows = grid().getByRole('row');
    const firstId = () => rows.nth(1).getAttribute('data-dlq-id');
    const before = await firstId();
    await rows.nth(3).hover();
    const stop = pileUp();
    const more = panel().getByRole('button', { name: /^\d+ new — show$/ });
    try {
      await more.waitFor({ timeout: 30_000 });
    } finally {
      await stop();
    }
    expect(await firstId()).toBe(before);
    const waiting = number(/^(\d+) new/, await more.textContent());
    await more.click();
    await expect.poll(firstId).not.toBe(before);
    expect(waiting).toBeGreaterThan(0);
    // Away from it, it follows the queue again.
    await page.mouse.click(30, 600);
    // (The engine's count read each time: the pile-up's last items are still being tried.)
    await expect.poll(async () => Number(await grid().getAttribute('aria-rowcount')) - 1 - (await engineDeadLetters()), { timeout: 30_000 }).toBe(0);
  });
});
