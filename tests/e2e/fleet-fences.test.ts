// The Fences panel of one engine of a fleet (fences in NATS, Tile38 deciding): a fence saved on another engine
// appears without a reload, one drawn here reaches the other engine, an edit that meets a change saved on the
// other engine is refused with the form's conflict, and the panel says where the fences live and who deploys.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fence, FenceInput } from '../../shared/fence';
import {
  engineRpc,
  openFencesPage,
  repoRoot,
  startNats,
  startTile38,
  startWebMode,
  waitFor,
  type EngineRpc,
  type FencesPage,
  type RunningServer,
  type WebMode,
} from '../helpers';

let nats: RunningServer;
let tile38: RunningServer;
let other: WebMode;
let otherRpc: EngineRpc;
let fp: FencesPage;
const shots = join(repoRoot, 'test-results', 'fleet-fences');

const input = ({ version: _v, updated_at: _at, ...f }: Fence): FenceInput => f;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  [nats, tile38] = await Promise.all([startNats(), startTile38()]);
  const args = ['--nats', nats.url, '--tile38.host', tile38.host, '--tile38.port', String(tile38.port), '--fences.registry', 'nats'];
  // The other engine makes the bucket and holds the deploy lease; the page's engine joins it.
  other = await startWebMode({ args });
  otherRpc = await engineRpc(other);
  await waitFor(async () => (await otherRpc.call('fences.status')).registry?.deploying === true, { timeoutMs: 20_000, what: 'the other engine deploying' });
  fp = await openFencesPage(args, { width: 1440, height: 900 });
}, 90_000);

afterAll(async () => {
  await fp?.close();
  await otherRpc?.close();
  await other?.stop();
  await tile38?.stop();
  await nats?.stop();
});

const panel = () => fp.page.getByRole('region', { name: 'Fences' }).first();

describe('the Fences panel of an engine in a fleet', () => {
  it('shows fences saved on another engine, and sends its own there', async () => {
    await otherRpc.call('fences.save', {
      fence: {
        id: 'depot',
        name: 'Depot',
        geometry: { type: 'Circle', center: [-73.985, 40.758], radius_m: 400 },
        detect: ['enter', 'exit'],
        targets: [],
        enabled: true,
      },
    });
    await panel().getByRole('listitem', { name: 'Depot' }).waitFor({ timeout: 15_000 });
    const line = fp.page.getByLabel('Fleet registry');
    await expect.poll(() => line.textContent(), { timeout: 15_000 }).toMatch(/^Shared with the fleet through NATS · deployed to Tile38 by [\w-]+$/);
    expect(await line.textContent()).not.toContain('this engine');

    await fp.page.getByRole('button', { name: 'Draw rectangle' }).click();
    await fp.click(420, 260);
    await fp.click(700, 480);
    await fp.page.getByLabel('Fence name').fill('Harbour');
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    const harbour = await waitFor(async () => (await otherRpc.call('fences.list')).find((f) => f.name === 'Harbour'), {
      timeoutMs: 15_000,
      what: 'Harbour on the other engine',
    });
    expect(harbour.version).toBe(1);
    // Deployed by the other engine: this one sees the channel in Tile38.
    await expect.poll(() => panel().getByRole('listitem', { name: 'Harbour' }).textContent(), { timeout: 20_000 }).toContain('Tile38 deployed');
    await fp.page.screenshot({ path: join(shots, 'fleet-fences-list-light-1440x900.png') });
  });

  it('refuses an edit that meets a change saved on the other engine, with the form’s conflict', async () => {
    const harbour = (await otherRpc.call('fences.list')).find((f) => f.name === 'Harbour')!;
    await panel().getByRole('listitem', { name: 'Harbour' }).getByRole('button', { name: 'Edit' }).click();
    await fp.page.getByLabel('Fence name').fill('Harbour (mine)');
    await otherRpc.call('fences.save', { fence: { ...input(harbour), name: 'Harbour North' }, expectedVersion: 1 });
    const conflict = fp.page.getByRole('alert', { name: 'Edited elsewhere' });
    await conflict.waitFor({ timeout: 15_000 });
    expect(await conflict.textContent()).toMatch(/version 2, you opened version 1/);
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    await expect.poll(() => fp.page.getByRole('alert').filter({ hasText: 'was edited meanwhile' }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect((await otherRpc.call('fences.get', { id: harbour.id })).fence).toMatchObject({ version: 2, name: 'Harbour North' });

    for (const theme of ['light', 'dark'] as const) {
      if ((await fp.page.locator('html').getAttribute('data-theme')) !== theme) {
        await fp.page.getByRole('application', { name: 'Map' }).click({ position: { x: 30, y: 30 } });
        await fp.page.keyboard.press('t');
        await expect.poll(() => fp.page.locator('html').getAttribute('data-theme')).toBe(theme);
      }
      for (const [w, h] of [
        [1440, 900],
        [1280, 720],
      ] as const) {
        await fp.page.setViewportSize({ width: w, height: h });
        await fp.page.screenshot({ path: join(shots, `fleet-fences-${theme}-${w}x${h}.png`) });
      }
    }
  });

  it('says so when the fleet’s registry drops, and that fences can still be read', async () => {
    await fp.page
      .getByRole('button', { name: 'Cancel' })
      .click()
      .catch(() => undefined);
    await nats.stop();
    const line = fp.page.getByLabel('Fleet registry');
    await expect
      .poll(() => line.textContent(), { timeout: 20_000 })
      .toMatch(/unreachable — NATS .* dropped the connection; reconnecting\. Fences can be read, not changed\.$/);
    expect(await panel().getByRole('listitem', { name: 'Depot' }).count()).toBe(1);
    for (const theme of ['dark', 'light'] as const) {
      if ((await fp.page.locator('html').getAttribute('data-theme')) !== theme) {
        await fp.page.getByRole('application', { name: 'Map' }).click({ position: { x: 30, y: 30 } });
        await fp.page.keyboard.press('t');
        await expect.poll(() => fp.page.locator('html').getAttribute('data-theme')).toBe(theme);
      }
      await fp.page.screenshot({ path: join(shots, `fleet-fences-unreachable-${theme}-1280x720.png`) });
    }
  });
});
