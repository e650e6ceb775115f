// The Connections dialog as an analyst uses it, against real servers started here: a nats-server with a
// user and password, one over TLS with a private CA, a Tile38 with a password. Opened from the status bar's
// source pill; a wrong password shows the server's refusal, the right one connects; Save and connect
// switches the running engine to NATS (positions published are committed and drawn, the process and the
// page the same); a dropped NATS shows its reason in the status bar with the way back; the simulator again
// keeps what NATS brought; and the password is in no file of the data dir and no line of the engine's log.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Simulator } from '../../main/simulator';
import {
  engineRpc,
  hook,
  hasHook,
  launchChromium,
  makeCertificates,
  makeTempDir,
  openPage,
  resultsDir,
  startNatsWith,
  startTile38,
  startWebMode,
  tile38ServerPath,
  waitFor,
  type EngineRpc,
  type RunningServer,
  type TempDir,
  type WebMode,
} from '../helpers';

const PASSWORD = 'fleet-Pa55-e2e-9d2f';
const TILE38_PASSWORD = 'tile-Pa55-e2e-41b7';
let dir: TempDir;
let users: RunningServer;
let tls: RunningServer;
let tile38: RunningServer | undefined;
let web: WebMode;
let rpc: EngineRpc;
let browser: Browser;
let page: Page;
let dialog: Locator;
const pageErrors: string[] = [];

beforeAll(async () => {
  dir = await makeTempDir('hexwatch-conn-e2e-');
  makeCertificates(dir.path);
  users = await startNatsWith(dir.path, 'users', `authorization {\n  users = [ { user: analyst, password: "${PASSWORD}" } ]\n}\n`);
  tls = await startNatsWith(
    dir.path,
    'tls',
    `tls {\n  cert_file: ${JSON.stringify(join(dir.path, 'server.pem'))}\n  key_file: ${JSON.stringify(join(dir.path, 'server-key.pem'))}\n}\n`,
  );
  if (tile38ServerPath()) {
    tile38 = await startTile38();
    // Tile38 takes its password as a setting (CONFIG SET requirepass), kept for the run.
    const { Redis } = await import('ioredis');
    const admin = new Redis({ host: '127.0.0.1', port: tile38.port, lazyConnect: true });
    await admin.connect();
    await admin.call('CONFIG', 'SET', 'requirepass', TILE38_PASSWORD);
    admin.disconnect();
  }
  web = await startWebMode({ args: ['--simulator.devices', '50', '--live.frameIntervalMs', '200'] });
  rpc = await engineRpc(web);
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1440, height: 900 }, colorScheme: 'dark' });
  await page.goto(web.url, { waitUntil: 'load' });
  await waitFor(() => hasHook(page, 'layer'), { timeoutMs: 30_000, what: 'the heatmap layer' });
  dialog = page.getByRole('dialog', { name: 'Connections' });
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await rpc?.close();
  await web?.stop();
  await users?.stop();
  await tls?.stop();
  await tile38?.stop();
  await dir?.remove();
});

const statusBar = () => page.getByTestId('status-bar');
const sourcePill = () => page.getByTestId('source-status');

/** A screenshot to look at, in test-results/. */
async function shot(name: string): Promise<void> {
  await mkdir(resultsDir, { recursive: true });
  await page.screenshot({ path: join(resultsDir, `connections-${name}.png`) });
}

/** Every file under `root`, whatever it is (databases, WAL, Parquet, settings, preferences). */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true });
  return (await Promise.all(entries.map((e) => (e.isDirectory() ? filesUnder(join(root, e.name)) : [join(root, e.name)])))).flat();
}

describe('the Connections dialog', () => {
  it('opens from the status bar’s source pill and shows what runs now', async () => {
    await expect.poll(() => sourcePill().textContent(), { timeout: 20_000 }).toMatch(/^simulator · running/);
    await statusBar()
      .getByRole('button', { name: /^simulator/ })
      .click();
    await dialog.waitFor();
    expect(await dialog.getByRole('radio', { name: /Simulator/ }).isChecked()).toBe(true);
    // Web mode keeps a typed secret for this run only, and says how to keep one.
    expect(await dialog.textContent()).toMatch(/this run only: to keep it, set HEXWATCH_NATS_PASSWORD/);
    expect(await dialog.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('asks before Close or Escape throws typed fields away, turns Source to NATS when servers are typed, and keeps the fields still when a test answers', async () => {
    await page.keyboard.press('Shift+C');
    await dialog.waitFor();
    const servers = dialog.getByRole('textbox', { name: 'NATS servers' });
    await servers.fill(users.url);
    expect(await dialog.getByRole('radio', { name: /NATS/ }).isChecked()).toBe(true);
    const ask = dialog.getByRole('alert').filter({ hasText: 'Close without saving?' });
    await page.keyboard.press('Escape');
    await ask.waitFor();
    await dialog.getByRole('button', { name: 'Keep editing' }).click();
    expect(await servers.inputValue()).toBe(users.url);
    // The test's answer comes in room kept for it: the field below it does not move.
    const before = (await servers.boundingBox())!.y;
    await dialog.getByRole('button', { name: 'Test NATS connection' }).click();
    await expect.poll(() => dialog.getByRole('alert', { name: 'NATS test' }).textContent(), { timeout: 15_000 }).toMatch(/Authorization Violation/);
    expect((await servers.boundingBox())!.y).toBe(before);
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await ask.waitFor();
    await shot('discard-ask-dark-1440');
    await dialog.getByRole('button', { name: 'Discard changes' }).click();
    await dialog.waitFor({ state: 'detached' });
    // Opened again, it shows what runs now: nothing of what was discarded.
    await page.keyboard.press('Shift+C');
    await dialog.waitFor();
    expect(await dialog.getByRole('radio', { name: /Simulator/ }).isChecked()).toBe(true);
    expect(await servers.inputValue()).not.toBe(users.url);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('passes on the server’s refusal of a wrong password, word for word', async () => {
    await page.keyboard.press('Shift+C');
    await dialog.waitFor();
    await dialog.getByRole('radio', { name: /NATS/ }).check();
    await dialog.getByRole('textbox', { name: 'NATS servers' }).fill(users.url);
    await dialog.getByRole('textbox', { name: 'User', exact: true }).fill('analyst');
    await dialog.getByLabel('Password', { exact: true }).fill('wrong-one');
    await shot('filled-dark-1440');
    await dialog.getByRole('button', { name: 'Test NATS connection' }).click();
    const refusal = dialog.getByRole('alert', { name: 'NATS test' });
    await expect.poll(() => refusal.textContent(), { timeout: 15_000 }).toMatch(/Authorization Violation/);
    expect(await refusal.textContent()).not.toMatch(/\bat \w+ \(|node:internal/);
    await shot('refusal-dark-1440');
  });

  it('connects with the right one: the server’s name, version and JetStream', async () => {
    await dialog.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Test NATS connection' }).click();
    const facts = dialog.getByRole('status', { name: 'NATS test' });
    await expect.poll(() => facts.textContent(), { timeout: 15_000 }).toMatch(/Connected: nats-server \d+\.\d+\.\d+/);
    expect(await facts.textContent()).toMatch(/JetStreamon/);
    expect(await facts.textContent()).toMatch(/Stream POSITIONSnot there yet/);
    await shot('success-dark-1440');
  });

  it('saves and connects: positions published to NATS are committed and drawn, with no restart of the process or the page', async () => {
    const pid = web.proc.pid;
    await page.evaluate(() => ((globalThis as { sameDocument?: boolean }).sameDocument = true));
    await dialog.getByRole('button', { name: 'Save and connect' }).click();
    await expect.poll(() => dialog.getByRole('status').last().textContent(), { timeout: 30_000 }).toMatch(/Saved to .*settings\.json and connected/);
    await expect.poll(() => sourcePill().textContent(), { timeout: 20_000 }).toMatch(/^NATS · running/);
    // The form now shows what was saved; the password is not shown back.
    expect(await dialog.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    expect(await dialog.getByText('Now: typed in for this run only.', { exact: false }).count()).toBe(1);
    await shot('saved-dark-1440');

    const nc = await connect({ servers: users.url, user: 'analyst', pass: PASSWORD });
    try {
      const js = jetstream(nc);
      const sim = new Simulator({ devices: 100, ratePerSec: 1, center: [-73.9851, 40.7589], radiusKm: 3, speedMps: 9, fleet: 'e2e', seed: 5 });
      for (let round = 0; round < 10; round++)
        await Promise.all(sim.take(100, Date.now() - 5000 + round * 100).map((p) => js.publish('pos.e2e', JSON.stringify(p))));
    } finally {
      await nc.close();
    }
    let last = '';
    await waitFor(
      async () => {
        const status = await rpc.call('status.get');
        last = JSON.stringify(status);
        return status.ingest?.committed === 1000;
      },
      { timeoutMs: 30_000, what: '1000 positions committed from NATS', detail: () => last },
    );
    const { hot, archived } = await rpc.call('history.counts');
    expect(hot + archived).toBeGreaterThanOrEqual(1000);
    // The engine restarted in place has no simulator: every cell drawn now is NATS's.
    await waitFor(async () => (await hook(page, 'layer')).cells > 0, { timeoutMs: 20_000, what: 'NATS positions drawn on the map' });
    expect(web.proc.pid).toBe(pid);
    expect(web.proc.hasExited()).toBe(false);
    expect(await page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('names the certificate a TLS server shows when its CA is unknown, and connects once given the CA file', async () => {
    await dialog.getByRole('textbox', { name: 'NATS servers' }).fill(tls.url.replace('nats:', 'tls:'));
    await dialog.getByRole('textbox', { name: 'User', exact: true }).fill('');
    await dialog.getByRole('button', { name: 'Test NATS connection' }).click();
    const refusal = dialog.getByRole('alert', { name: 'NATS test' });
    await expect.poll(() => refusal.textContent(), { timeout: 15_000 }).toMatch(/certificate/i);
    expect(await refusal.textContent()).toContain('CN=127.0.0.1');
    await dialog.getByRole('textbox', { name: 'TLS CA file' }).fill(join(dir.path, 'ca.pem'));
    await dialog.getByRole('button', { name: 'Test NATS connection' }).click();
    await expect.poll(() => dialog.getByRole('status', { name: 'NATS test' }).textContent(), { timeout: 15_000 }).toMatch(/Connected: nats-server/);
  });

  it.skipIf(!tile38ServerPath())('tests a Tile38 with a password: its version', async () => {
    await dialog.getByRole('textbox', { name: 'Tile38 host' }).fill('127.0.0.1');
    await dialog.getByRole('textbox', { name: 'Tile38 port' }).fill(String(tile38!.port));
    await dialog.getByRole('button', { name: 'Test Tile38 connection' }).click();
    await expect.poll(() => dialog.getByRole('alert', { name: 'Tile38 test' }).textContent(), { timeout: 15_000 }).toMatch(/password/);
    await dialog.getByLabel('Tile38 password', { exact: true }).fill(TILE38_PASSWORD);
    await dialog.getByRole('button', { name: 'Test Tile38 connection' }).click();
    await expect.poll(() => dialog.getByRole('status', { name: 'Tile38 test' }).textContent(), { timeout: 15_000 }).toMatch(/Connected to Tile38 \d+\.\d+/);
    await shot('tests-dark-1440');
  });

  it('refuses what does not read as a setting, in place, before anything is saved', async () => {
    await dialog.getByRole('textbox', { name: 'NATS servers' }).fill('http://not-nats:4222');
    await dialog.getByRole('textbox', { name: 'Tile38 port' }).fill('99999');
    await dialog.getByRole('button', { name: 'Save and connect' }).click();
    const servers = dialog.getByRole('textbox', { name: 'NATS servers' });
    await expect.poll(() => servers.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByText('http://not-nats:4222 is not a nats://, tls:// or ws(s):// URL').count()).toBe(1);
    expect(await dialog.getByRole('textbox', { name: 'Tile38 port' }).getAttribute('aria-invalid')).toBe('true');
    await shot('invalid-dark-1440');
    expect((await rpc.call('connections.get')).nats.servers).toEqual([users.url]);
    // What was typed is not saved: Escape asks before it goes.
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Discard changes' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows a NATS that drops in the status bar, with its reason and the way back to Connections', async () => {
    await users.proc.stop();
    await expect.poll(() => sourcePill().textContent(), { timeout: 20_000 }).toMatch(/^NATS · (reconnecting|error)/);
    const reason = statusBar().locator('.detail.reason');
    await expect.poll(() => reason.textContent(), { timeout: 10_000 }).toMatch(new RegExp(`127\\.0\\.0\\.1:${users.port}`));
    await shot('dropped-dark-1440');
    await statusBar().getByRole('button', { name: 'Connections…' }).click();
    await dialog.waitFor();
  });

  it('switches back to the simulator and keeps what NATS brought', async () => {
    await dialog.getByRole('radio', { name: /Simulator/ }).check();
    await dialog.getByRole('button', { name: 'Save and connect' }).click();
    await expect.poll(() => sourcePill().textContent(), { timeout: 30_000 }).toMatch(/^simulator · running/);
    const { hot, archived } = await rpc.call('history.counts');
    expect(hot + archived).toBeGreaterThanOrEqual(1000);
    expect((await rpc.call('connections.get')).source).toBe('simulator');
  });

  it.skipIf(!tile38ServerPath())('shows a Tile38 that drops in the status bar, with its reason and the way back to Connections', async () => {
    await dialog.getByRole('textbox', { name: 'Tile38 host' }).fill('127.0.0.1');
    await dialog.getByRole('textbox', { name: 'Tile38 port' }).fill(String(tile38!.port));
    await dialog.getByLabel('Tile38 password', { exact: true }).fill(TILE38_PASSWORD);
    await dialog.getByRole('button', { name: 'Save and connect' }).click();
    await waitFor(async () => (await rpc.call('fences.status')).connection === 'connected', { timeoutMs: 20_000, what: 'fences decided by Tile38' });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await tile38!.proc.stop();
    const pill = page.getByTestId('tile38-status');
    await expect.poll(() => pill.textContent(), { timeout: 20_000 }).toMatch(/^Tile38 · (reconnecting|error)/);
    await statusBar().getByRole('button', { name: 'Connections…' }).click();
    await dialog.waitFor();
  });

  it('looks right in the light theme and on a smaller screen', async () => {
    await page.keyboard.press('Escape');
    await page.getByRole('application', { name: 'Map' }).click({ position: { x: 30, y: 30 } });
    await page.keyboard.press('t');
    await page.setViewportSize({ width: 1280, height: 720 });
    await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe('light');
    await shot('tile38-dropped-light-1280');
    await page.keyboard.press('Shift+C');
    await dialog.waitFor();
    await dialog.getByRole('radio', { name: /NATS/ }).check();
    await dialog.getByRole('button', { name: 'Test NATS connection' }).click();
    await expect.poll(() => dialog.getByRole('alert', { name: 'NATS test' }).count(), { timeout: 15_000 }).toBe(1);
    await shot('refusal-light-1280');
    await page.keyboard.press('Escape');
    await dialog.getByRole('alert').filter({ hasText: 'Close without saving?' }).waitFor();
    await shot('discard-ask-light-1280');
    await dialog.getByRole('button', { name: 'Discard changes' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('writes the password into no file under the data dir and no line of the engine’s log', async () => {
    for (const file of await filesUnder(web.dataDir)) expect((await readFile(file)).includes(PASSWORD), file).toBe(false);
    expect(web.proc.stdout() + web.proc.stderr()).not.toContain(PASSWORD);
    expect(web.proc.stdout() + web.proc.stderr()).not.toContain(TILE38_PASSWORD);
    expect(JSON.parse(await readFile(join(web.dataDir, 'settings.json'), 'utf8'))).toMatchObject({ source: 'simulator', nats: { user: 'analyst' } });
  });

  it('raised no error in the page throughout', () => {
    expect(pageErrors).toEqual([]);
  });
});
