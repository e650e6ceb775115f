// The first hour with hexwatch, as `npm start` runs it on a new data dir: the simulator with its demo history
// and fences. Within a minute the notebook counts positions over the backfill; playback shows frames that
// change with time; a polygon drawn over the simulated city backtests to events; `hexwatch sql` on the
// stopped data dir counts the same. A restart neither writes the demo again nor forgets it, Clear demo data
// removes it (and only it), and simulator.badPerMin fills quarantine with its reasons.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Call,
  callOf,
  connectRpc,
  engineEnv,
  hexwatchBin,
  hook,
  launchChromium,
  makeTempDir,
  openPage,
  resultsDir,
  runToExit,
  startWebMode,
  type TempDir,
  type TestRpcClient,
  waitFor,
  type WebMode,
} from '../helpers';

const HOUR = 3_600_000;
/** The demo of the default simulator: 1,000 walkers, a fix each every 30 s, for six hours. */
const DEMO_POSITIONS = 1000 * 2 * 60 * 6;
/** The status bar's pill once the demo is written: its range (in the page's locale), no longer how far it is written. */
const READY = /^demo data · (?!writing|clearing)\d/;
let data: TempDir;
let web: WebMode | undefined;
let rpc: TestRpcClient | undefined;
let call: Call;
let browser: Browser;
let page: Page;
/** When the engine was asked to start: the first hour's clock. */
let started = 0;
/** What the notebook counted, and the last position it saw. */
let counted: { n: number; first: number; last: number };

async function start(args: string[] = []): Promise<void> {
  web = await startWebMode({ dataDir: data.path, demo: true, args });
  const c = await connectRpc(web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
  if (!c.ok) throw new Error(c.error);
  rpc = c.client;
  call = callOf(rpc, 60_000);
  await page.goto(web.url, { waitUntil: 'load' });
}

async function stop(): Promise<void> {
  await rpc?.close();
  await web?.stop();
  rpc = web = undefined;
}

/** A screenshot to look at, in test-results/. */
async function shot(name: string): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  await page.screenshot({ path: join(resultsDir, `first-hour-${name}.png`) });
}

/** Runs SQL in a new cell of the open notebook, as a person does; the first row's cell texts. */
async function runSql(sql: string): Promise<string[]> {
  await page.getByRole('button', { name: 'Add SQL cell' }).click();
  const cells = page.getByRole('region', { name: /^Cell \d+$/ });
  const cell = cells.last();
  await cell.getByRole('textbox', { name: 'SQL' }).click();
  await page.keyboard.type(sql);
  await page.keyboard.press('Control+Enter');
  const grid = cell.getByRole('grid', { name: 'Result' });
  await grid.waitFor({ timeout: 30_000 });
  const row = () =>
    grid
      .getByRole('row')
      .nth(1)
      .evaluate((r) => [...r.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent ?? ''));
  await expect.poll(async () => (await row())[0]).not.toBe('…');
  return row();
}

beforeAll(async () => {
  data = await makeTempDir('hexwatch-first-hour-');
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1440, height: 900 } });
  started = Date.now();
  await start();
}, 120_000);

afterAll(async () => {
  await stop();
  await browser?.close();
  await data?.remove();
});

describe('the first hour on a new data dir', () => {
  it('within a minute, the notebook counts positions spanning the demo’s six hours', async () => {
    // The status bar says the demo is there once written: its pill shows its range.
    const pill = page.getByTestId('demo-status');
    let statusText = '';
    await waitFor(
      async () =>
        (statusText = (await page.getByTestId('status-bar').textContent()) ?? '') &&
        READY.test((await pill.textContent({ timeout: 1000 }).catch(() => '')) ?? ''),
      {
        timeoutMs: Math.max(1000, 60_000 - (Date.now() - started)),
        what: 'the demo history written within the first minute',
        detail: () => `${statusText}\n${web!.proc.tail()}`,
      },
    );
    await page.getByRole('button', { name: 'Notebooks' }).click();
    await page.getByRole('button', { name: 'New notebook' }).click();
    const [n, first, last] = (await runSql('SELECT count(*) AS n, epoch_ms(min(ts)) AS first_ms, epoch_ms(max(ts)) AS last_ms FROM positions')).map((t) =>
      Number(t.replace(/[^\d]/g, '')),
    );
    counted = { n: n!, first: first!, last: last! };
    expect(Date.now() - started).toBeLessThan(60_000);
    // The demo's positions and the live ones since.
    expect(counted.n).toBeGreaterThan(DEMO_POSITIONS);
    // About backfillH hours ago (a fix per walker every 30 s from six hours before the start) up to now.
    expect(Math.abs(counted.first - (started - 6 * HOUR))).toBeLessThan(2 * 60_000);
    expect(counted.last).toBeGreaterThan(started);
    // Its fence events and market minutes are there too.
    const [events, fences, minutes] = (
      await runSql(
        "SELECT (SELECT count(*) FROM fence_events WHERE fence_id LIKE 'demo-%') AS events, (SELECT count(DISTINCT fence_id) FROM fence_events) AS fences, (SELECT count(DISTINCT ts) FROM market) AS minutes",
      )
    ).map((t) => Number(t.replace(/[^\d]/g, '')));
    expect(events).toBeGreaterThan(100);
    expect(fences).toBe(3);
    expect(minutes).toBeGreaterThanOrEqual(6 * 60 - 1);
    await shot('notebook');
  });

  it('plays the archive back in frames whose cells change with time', async () => {
    await page.getByRole('button', { name: 'Notebooks' }).click(); // closed: the map whole
    await page.locator('body').press('y');
    const bar = page.getByRole('group', { name: 'Time playback' });
    await bar.waitFor({ timeout: 15_000 });
    await bar.getByLabel('Window').selectOption('1');
    const slider = bar.getByRole('slider', { name: 'Time' });
    const [min, max] = [Number(await slider.getAttribute('min')), Number(await slider.getAttribute('max'))];
    expect(max - min).toBeGreaterThan(5.5 * HOUR);
    const frames: { cells: number; max: number; windowMs: number }[] = [];
    for (const t of [min + HOUR, min + 3 * HOUR, min + 5 * HOUR]) {
      await slider.fill(String(t));
      // The frame of that moment drawn (the slider moves in steps: the frame's end is where it stopped).
      const at = Number(await slider.inputValue());
      await expect.poll(async () => (await hook(page, 'layer')).windowEnd, { timeout: 15_000 }).toBe(at);
      const { cells, max: top, windowMs } = await hook(page, 'layer');
      frames.push({ cells, max: top, windowMs });
    }
    expect(frames.every((f) => f.cells > 50 && f.windowMs === 60_000)).toBe(true);
    // The walkers move: the cells they fill are not the same from one hour to the next.
    expect(new Set(frames.map((f) => `${f.cells}/${f.max}`)).size).toBeGreaterThan(1);
    await shot('playback');
    await page.locator('body').press('Escape');
    await expect.poll(() => bar.count()).toBe(0);
  });

  it('backtests a polygon drawn over the simulated city to events', async () => {
    await page.getByRole('button', { name: 'Fences' }).click();
    const list = page.getByRole('region', { name: 'Fences' }).first();
    await list.waitFor();
    // The demo fences are listed like any other.
    for (const name of ['Demo: Centre', 'Demo: North', 'Demo: South-east']) await list.getByRole('listitem', { name }).waitFor({ timeout: 10_000 });
    await waitFor(async () => ((await hook(page, 'drawing').catch(() => undefined))?.mode ?? undefined) !== undefined, {
      timeoutMs: 30_000,
      what: 'the drawing ready on the map',
    });
    const box = (await page.getByRole('application', { name: 'Map' }).boundingBox())!;
    // A square of about 3 km around Times Square, where the walkers are.
    const corners: [number, number][] = [
      [-74.0, 40.745],
      [-73.97, 40.745],
      [-73.97, 40.772],
      [-74.0, 40.772],
    ];
    await page.getByRole('button', { name: 'Draw polygon' }).click();
    for (const p of corners) {
      const [x, y] = await hook(page, 'project', p);
      await page.mouse.click(box.x + x, box.y + y);
    }
    await page.keyboard.press('Enter');
    await waitFor(async () => (await hook(page, 'drawing')).mode === 'select', { timeoutMs: 5000, what: 'the polygon drawn' });
    await page.getByLabel('Fence name').fill('Midtown square');
    await page.getByLabel('Backtest range').selectOption('day');
    await page.getByRole('button', { name: 'Backtest', exact: true }).click();
    const result = page.getByRole('region', { name: 'Backtest result' });
    await result.waitFor({ timeout: 60_000 });
    const [, events, positions] = /([\d,]+) events from ([\d,]+) positions/.exec((await result.textContent())!)!.map((s) => s.replace(/,/g, ''));
    expect(Number(events)).toBeGreaterThan(0);
    expect(Number(positions)).toBeGreaterThan(400_000);
    await shot('backtest');
  });

  it('hexwatch sql on the stopped data dir counts what the notebook counted', async () => {
    await stop();
    const run = await runToExit(
      process.execPath,
      [
        hexwatchBin,
        'sql',
        '--data-dir',
        data.path,
        `SELECT count(*) AS n FROM positions WHERE ts <= make_timestamptz(${counted.last}::BIGINT * 1000)`,
        '--format',
        'json',
      ],
      { timeoutMs: 60_000, env: engineEnv() },
    );
    expect(run.stderr).toBe('');
    expect((JSON.parse(run.stdout) as { n: number }[])[0]!.n).toBe(counted.n);
  });

  it('after a restart the demo is there as it was, not written again; Clear demo data removes it and keeps the rest', async () => {
    await start(['--simulator.badPerMin', '120']);
    const before = (await call('status.get')).demo!;
    expect(before).toMatchObject({ state: 'ready', fences: ['demo-centre', 'demo-north', 'demo-south-east'] });
    expect(before.to).toBeLessThan(counted.last);
    const pill = page.getByTestId('demo-status');
    await expect.poll(() => pill.textContent()).toMatch(READY);
    const end = `make_timestamptz(${before.to}::BIGINT * 1000)`;
    const split = `SELECT count(*) FILTER (ts < ${end}) AS demo, count(*) FILTER (ts >= ${end}) AS live FROM positions`;
    // Not written again: the demo's positions are those the first run counted before its end.
    await call('notebooks.run', { queryId: 'before', sql: split });
    const [was] = tableFromIPC(new Uint8Array(await call('notebooks.page', { queryId: 'before', offset: 0, limit: 1 }))).toArray() as {
      demo: bigint;
      live: bigint;
    }[];
    expect(Number(was!.demo)).toBe(DEMO_POSITIONS);

    await pill.click();
    const card = page.getByRole('dialog', { name: 'Demo data' });
    await card.waitFor();
    await shot('demo-card');
    await card.getByRole('button', { name: 'Clear demo data' }).click();
    await card.getByRole('alertdialog', { name: 'Clear the demo data?' }).getByRole('button', { name: 'Clear demo data' }).click();
    await expect.poll(() => pill.count(), { timeout: 60_000 }).toBe(0);
    expect((await call('status.get')).demo).toBeUndefined();

    // Nothing before the demo's end is left; what the simulator sent after it is all there.
    await page.getByRole('button', { name: 'Notebooks' }).click();
    const [demo, live] = (await runSql(split)).map((t) => Number(t.replace(/[^\d]/g, '')));
    expect(demo).toBe(0);
    expect(live).toBeGreaterThanOrEqual(Number(was!.live));
    // The demo fences went with it (nobody edited them); the drawn square was only backtested, never saved.
    expect(await call('fences.list')).toEqual([]);

    // And the malformed messages the simulator sends land in quarantine with why.
    await page.getByRole('button', { name: 'Deliveries' }).click();
    await page.getByRole('tab', { name: 'Quarantine' }).click();
    await page
      .getByRole('region', { name: 'Quarantined per reason' })
      .getByRole('button', { name: /^All \d+/ })
      .waitFor({ timeout: 30_000 });
    const reasons = Object.keys(await call('quarantine.counts'));
    expect(reasons.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(reason).toMatch(/^(invalid_[a-z]+|not_object)$/);
    expect((await call('quarantine.list', { limit: 5, offset: 0 })).items[0]).toMatchObject({ stream: 'simulator', subject: 'pos.walkers' });
    await shot('quarantine');
  });
});
