// The Fleet view as an analyst uses it, in Chromium against web-mode engines on one nats-server: opened from
// the status bar's fleet pill and from the palette, the engines found by name, one that dies shown gone and
// the pill in the warning colour, partitions nobody owns highlighted and idle ones told apart, the pill and
// the view saying the same, an engine that stops handing its partitions to the survivor's row while the ages
// tick; and on a single simulator engine, the empty state saying how to share the work.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Heartbeat } from '../../shared/rpc';
import { launchChromium, openPage, startNats, startWebMode, SteadyPublisher, type RunningServer, type WebMode } from '../helpers';

const SHOTS = 'test-results';
let browser: Browser;
let page: Page | undefined;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: `${SHOTS}/fleet-failed-${ctx.task.name.slice(0, 24).replace(/\W/g, '_')}.png` });
});
afterAll(async () => {
  await browser?.close();
});

/** Switches the theme as the analyst does (the `t` key on the map), unless it is that one already. */
async function useTheme(p: Page, theme: 'dark' | 'light'): Promise<void> {
  if ((await p.locator('html').getAttribute('data-theme')) === theme) return;
  await p.getByRole('application', { name: 'Map' }).click({ position: { x: 30, y: 30 } });
  await p.keyboard.press('t');
  await expect.poll(() => p.locator('html').getAttribute('data-theme')).toBe(theme);
}

/** The status bar's fleet pill and the Fleet view's badge say the same words (read together, as a glance at both would). */
async function expectPillAndPanelAgree(p: Page): Promise<void> {
  // Read in one go in the page, so an answer landing between two reads cannot fake a disagreement.
  const [pill, panel] = await p.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelector(css: string): { textContent: string | null } | null } }).document;
    return ['[data-testid="fleet-status"]', '[aria-label="Fleet health"]'].map((css) => doc.querySelector(css)?.textContent ?? '');
  });
  expect(pill).toMatch(/^(watching · )?fleet \d+ engines?/);
  expect(panel).toBe(pill);
}

const BOTH_THEMES = ['dark', 'light'] as const;
const BOTH_SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
];

/** The Fleet view in the themes and window sizes asked (by default both of each), for a person to look at. */
async function pictures(p: Page, name: string, sizes = BOTH_SIZES, themes: readonly ('dark' | 'light')[] = BOTH_THEMES): Promise<void> {
  for (const size of sizes) {
    await p.setViewportSize(size);
    for (const theme of themes) {
      await useTheme(p, theme);
      await p.getByRole('region', { name: 'Fleet' }).waitFor();
      await p.screenshot({ path: `${SHOTS}/fleet-${name}-${size.width}-${theme}.png` });
    }
  }
}

/** A heartbeat as an engine elsewhere with 8 partitions puts it (its 30 s period keeps it live through the test); partition 6 has a backlog nobody pulls, 7 never had a position. */
const beat = (id: string, owned: number[]): Heartbeat => ({
  id,
  name: id,
  host: 'headless-2',
  version: '0.1.0',
  pid: 4242,
  startedAt: Date.now() - 3_600_000,
  heartbeatS: 30,
  source: 'nats',
  sourceState: 'running',
  fenceMode: 'tile38 channel',
  partitions: Array.from({ length: 8 }, (_, i) => ({ partition: i, owned: owned.includes(i), pending: owned.includes(i) ? 120 * i : i === 6 ? 50 : -1 })),
  positionsPerSec: 41_250,
  lag: { pending: 1800, lastPositionAgeMs: 850 },
  queue: { waiting: 12, dead: 1 },
  at: Date.now(),
});

describe('three engines on one NATS', () => {
  let nats: RunningServer;
  let nc: NatsConnection;
  const engines: WebMode[] = [];

  beforeAll(async () => {
    nats = await startNats();
    for (const id of ['alpha', 'bravo', 'charlie'])
      engines.push(await startWebMode({ args: ['--nats', nats.url, '--archive.engineId', id, '--fleet.heartbeatS', '1'] }));
    nc = await connect({ servers: nats.url });
  }, 120_000);
  /** delta owns partitions 0–3, echo 4–5, nobody 6 (a backlog waits) and 7 (idle); put again as they would beat (the bucket keeps a key 5 of alpha's heartbeats). */
  const putElsewhere = async () => {
    const kv = await new Kvm(nc).open('hexwatch-fleet');
    await kv.put('delta', JSON.stringify(beat('delta', [0, 1, 2, 3])));
    await kv.put('echo', JSON.stringify(beat('echo', [4, 5])));
  };
  afterAll(async () => {
    await page?.context().close();
    await nc?.close();
    for (const web of engines) await web.stop();
    await nats?.stop();
  });

  it('opens the Fleet view from the status pill and from the palette, and names every engine', async () => {
    page = await openPage(browser, { viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    await page.goto(engines[0]!.url, { waitUntil: 'load' });
    const pill = page.getByRole('button', { name: '3 engines' });
    await pill.waitFor({ timeout: 15_000 });
    await pill.click();
    const fleet = page.getByRole('region', { name: 'Fleet' });
    await fleet.waitFor();
    const engineRows = fleet.getByRole('table', { name: 'Engines' }).getByRole('row');
    await fleet.getByRole('row', { name: 'alpha (this engine), live' }).waitFor();
    await fleet.getByRole('row', { name: 'bravo, live' }).waitFor();
    await fleet.getByRole('row', { name: 'charlie, live' }).waitFor();
    expect(await engineRows.count()).toBe(4); // the header and three engines
    await expect.poll(() => fleet.getByText('Partitions are off').count()).toBe(1);

    // Closed, then opened again from the palette by its name.
    await page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Fleet' }).click();
    await expect.poll(() => fleet.count()).toBe(0);
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Search commands' }).fill('fleet panel');
    const options = page.getByRole('dialog', { name: 'Command palette' }).getByRole('option');
    expect(await options.allInnerTexts()).toEqual([expect.stringMatching(/Open or close the Fleet panel\s+Shift\+F/)]);
    await page.keyboard.press('Enter');
    await fleet.getByRole('row', { name: 'bravo, live' }).waitFor();
    // And its key closes it and opens it again.
    await page.keyboard.press('Shift+F');
    await expect.poll(() => fleet.count()).toBe(0);
    await page.keyboard.press('Shift+F');
    await fleet.waitFor();

    // Positions move through the fleet: the engines' rates and lag fill in.
    await new SteadyPublisher({ nc, subject: 'pos.fleet', ratePerSec: 500 }).runFor(3000);
  });

  it('shows an engine that dies as gone, the pill in the warning colour, and partitions nobody owns highlighted', async () => {
    const p = page!;
    const fleet = p.getByRole('region', { name: 'Fleet' });
    // Two engines elsewhere with partitions, as their heartbeats say it in the bucket: delta owns 0–3, echo 4–5, nobody 6–7.
    await putElsewhere();
    await fleet.getByRole('row', { name: 'delta, live' }).waitFor({ timeout: 10_000 });
    const partitions = fleet.getByRole('list', { name: 'Partitions' });
    await partitions.getByRole('listitem', { name: /^Partition 6: unowned, .*50 backlog/ }).waitFor();
    // Never a position and nothing waiting: idle, not a warning.
    await partitions.getByRole('listitem', { name: 'Partition 7: idle, no positions yet' }).waitFor();
    expect(await partitions.getByRole('listitem').count()).toBe(8);
    await partitions.getByRole('listitem', { name: 'Partition 2: delta, 240 backlog' }).waitFor();
    await p.getByRole('button', { name: 'fleet 5 engines · 6/8' }).waitFor();
    expect(await p.getByTestId('fleet-status').getAttribute('class')).toContain('fleet-warn');
    expect(await p.getByTestId('fleet-status').getAttribute('title')).toMatch(/^6 of 8 partitions owned in the fleet.*1 partition nobody owns/);
    await expectPillAndPanelAgree(p);

    engines[2]!.proc.child.kill('SIGKILL');
    await fleet.getByRole('row', { name: 'charlie, gone' }).waitFor({ timeout: 10_000 });
    await p.getByRole('button', { name: 'fleet 4 engines · 6/8' }).waitFor();
    await expectPillAndPanelAgree(p);
    await pictures(p, 'five');
  });

  it("hands a stopped engine's partitions to the survivor's row, and the ages keep ticking", async () => {
    const p = page!;
    const fleet = p.getByRole('region', { name: 'Fleet' });
    const kv = await new Kvm(nc).open('hexwatch-fleet');
    // delta stops (its key deleted, as an engine does on SIGTERM) and echo, as the server pins them to it, takes all eight.
    await kv.delete('delta');
    await kv.put('echo', JSON.stringify(beat('echo', [0, 1, 2, 3, 4, 5, 6, 7])));
    const delta = fleet.getByRole('row', { name: 'delta, left' });
    await delta.waitFor({ timeout: 10_000 });
    expect(await delta.getByRole('cell').nth(1).innerText()).toBe('last held 0–3');
    const echo = fleet.getByRole('row', { name: 'echo, live' });
    await expect.poll(() => echo.getByRole('cell').nth(1).innerText()).toBe('0–7');
    const partitions = fleet.getByRole('list', { name: 'Partitions' });
    for (const n of [0, 3, 6]) await partitions.getByRole('listitem', { name: new RegExp(`^Partition ${n}: echo, `) }).waitFor();
    await p.getByRole('button', { name: 'fleet 3 engines · 8/8 · 1 left' }).waitFor();
    await expectPillAndPanelAgree(p);

    // echo puts nothing more: the time since it was heard still grows, as does charlie's.
    const heard = async () => [
      await echo.getByRole('cell').last().innerText(),
      await fleet.getByRole('row', { name: 'charlie, gone' }).getByRole('cell').last().innerText(),
    ];
    const first = await heard();
    await expect.poll(async () => (await heard()).every((text, i) => text !== first[i]), { timeout: 10_000 }).toBe(true);
    await pictures(p, 'handover', BOTH_SIZES, ['dark']);
  });
  it('a watch-only engine lists the fleet and says it only watches', async () => {
    const watcher = await startWebMode({ args: ['--nats', nats.url, '--archive.engineId', 'desk', '--fleet.watchOnly', 'true'] });
    engines.push(watcher);
    await putElsewhere();
    await page?.context().close();
    page = await openPage(browser, { viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
    await page.goto(watcher.url, { waitUntil: 'load' });
    await page.getByRole('button', { name: 'watching · fleet 4 engines · 6/8' }).click({ timeout: 15_000 });
    const fleet = page.getByRole('region', { name: 'Fleet' });
    await fleet.getByRole('row', { name: 'alpha, live' }).waitFor();
    await fleet.getByText('This engine only watches').waitFor();
    expect(await fleet.getByRole('row', { name: /^desk/ }).count()).toBe(0);
    await page
      .getByTestId('status-bar')
      .getByText(/watch only/)
      .first()
      .waitFor();
    await pictures(page, 'watch', [BOTH_SIZES[1]!], ['dark']);
  });
});

describe('a single simulator engine', () => {
  let web: WebMode;
  beforeAll(async () => {
    web = await startWebMode();
  }, 60_000);
  afterAll(async () => {
    await page?.context().close();
    await web?.stop();
  });

  it('answers a fleet of one, and the view says how to share the work', async () => {
    page = await openPage(browser, { viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    await page.goto(web.url, { waitUntil: 'load' });
    await page.getByRole('button', { name: '1 engine' }).click();
    const fleet = page.getByRole('region', { name: 'Fleet' });
    await fleet.getByText('One engine: set cluster.partitions to share the work — see README').waitFor();
    await fleet.getByRole('row', { name: /\(this engine\), live$/ }).waitFor();
    expect(await page.getByTestId('fleet-status').getAttribute('class')).toContain('fleet-ok');
    await pictures(page, 'one', [BOTH_SIZES[0]!]);
  });
});
