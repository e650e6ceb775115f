// Supply, demand and surge on the map, in Chromium against web mode and the built-in simulator (its ride
// requests gather around drifting hotspots): colouring by surge draws the market's cells on the surge
// scale (1.0 to the 5.0 cap) with its legend, a hotspot surges past 1.5, and its card shows what the engine counts.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorAt, fixedScaleT, SURGE } from '../../shared/color-scale';
import { type Call, engineRpc, hook, launchChromium, openPage, startWebMode, waitFor, type WebMode } from '../helpers';

let web: WebMode;
let browser: Browser;
let page: Page;
let call: Call;
let closeRpc: () => Promise<void>;
const layer = () => hook(page, 'layer');

beforeAll(async () => {
  // Ticks of 2 s and plenty of requests: hotspots surge within seconds, not minutes.
  web = await startWebMode({ args: ['--market.tickS', '2', '--simulator.demandPerSec', '80', '--simulator.hotspots', '2'] });
  ({ call, close: closeRpc } = await engineRpc(web));
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1400, height: 900 } });
  await page.goto(web.url, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Heatmap' }).waitFor();
});

afterAll(async () => {
  await closeRpc?.();
  await browser?.close();
  await web?.stop();
});

describe('the market on the map', () => {
  it('colours by surge: the market’s cells on the surge scale from 1.0 to the 5.0 cap, with its legend', async () => {
    await page.getByRole('combobox', { name: 'Colour by' }).selectOption('surge');
    const legend = page.getByRole('figure', { name: 'Legend: Market' });
    await expect.poll(() => legend.textContent()).toContain('surge multiplier');
    expect(await legend.textContent()).toContain('1.0: no surge');
    // The scale's note comes with the first frame of the measure.
    await expect.poll(() => legend.textContent(), { timeout: 15_000 }).toContain('log scale from 1 to 5');
    expect(await page.getByRole('combobox', { name: 'Colour scale' }).isDisabled()).toBe(true);
    const hotspot = await waitFor(async () => (await call('market.cells', { limit: 50 })).cells.find((c) => c.surge > 1.5 && c.supply > 0), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'a hotspot with drivers in it surging past 1.5',
    });
    // The map draws market frames (the market's resolution), and the hotspot in the surge scale's colour for its value.
    await waitFor(async () => (await layer()).layer === 'market', { timeoutMs: 15_000, what: 'market frames' });
    expect((await layer()).resolution).toBe(8);
    // The page computes surge from the frame's supply and demand, and colours it on the surge scale.
    const colour = await waitFor(
      async () => {
        const c = await hook(page, 'cellColour', hotspot.hex);
        return c && c.value > 1.5 ? c : undefined;
      },
      { timeoutMs: 15_000, what: `${hotspot.hex} surging on the map` },
    );
    const now = (await call('market.cells', { limit: 1000 })).cells.find((c) => c.hex === hotspot.hex)!;
    const expected = colorAt(SURGE, fixedScaleT('surge', colour.value));
    const neutral = colorAt(SURGE, 0);
    expect(colour.target).not.toEqual(neutral);
    expect(Math.max(...colour.target.map((v, i) => Math.abs(v - expected[i]!)))).toBeLessThanOrEqual(2);
    expect(now.surge).toBeGreaterThan(1);
  });

  it('lists the surging cells; one picked shows its figures, per kind and over time, as the engine counts them', async () => {
    const table = page.getByRole('table', { name: 'Surging cells' });
    await table.getByRole('row').nth(1).waitFor();
    // The pointer over the list holds its order while the figures change.
    await table.hover();
    const first = (await table.getByRole('row').nth(1).getByRole('button').textContent())!;
    await table.getByRole('button', { name: `Show cell ${first}` }).click();
    const card = page.getByRole('region', { name: `Market cell ${first}` });
    await card.waitFor();
    await expect
      .poll(
        async () => {
          const engine = await call('market.cell', { hex: first });
          return (await card.textContent())?.includes(`surge ×${engine.now.surge.toFixed(2)}`);
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    await expect.poll(() => page.getByTestId('market-status').textContent()).toMatch(/market · \d+ surging/);
    const metrics = page.getByRole('region', { name: 'Market', exact: true });
    expect(await metrics.textContent()).toContain('simulated');
  });

  it('switches back to the live window with the m key cycling the measures', async () => {
    await page.getByRole('application', { name: 'Map' }).click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('m'); // surge → devices
    await expect.poll(() => page.getByRole('combobox', { name: 'Colour by' }).inputValue()).toBe('devices');
    const legend = page.getByRole('figure', { name: 'Legend: Live heatmap' });
    await expect.poll(() => legend.textContent()).toContain('unique devices per cell');
    await expect.poll(async () => (await layer()).resolution).not.toBe(8);
  });
});
