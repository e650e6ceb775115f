// The workbench as an analyst meets it, in Chromium against web mode: a rail of panels, the map, the
// status bar, a command palette listing every action with its shortcut, and light and dark themes.
// Controls are found by role and accessible name, as a person (or a screen reader) finds them.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineRpc, launchChromium, makeTempDir, openPage, startWebMode, waitFor, type WebMode } from '../helpers';

let web: WebMode;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  web = await startWebMode({ args: ['--simulator.devices', '300'] });
  browser = await launchChromium();
  page = await openPage(browser, { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  await page.goto(web.url, { waitUntil: 'load' });
});

afterAll(async () => {
  await browser?.close();
  await web?.stop();
});

const theme = () => page.locator('html').getAttribute('data-theme');

describe('the workbench', () => {
  it('opens with the rail of panels, the Heatmap panel, the map and the status bar', async () => {
    const rail = page.getByRole('navigation', { name: 'Panels' });
    for (const name of ['Heatmap', 'Fences', 'Deliveries', 'Notebooks']) await expect(rail.getByRole('button', { name }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Heatmap' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await expect(page.getByRole('region', { name: 'Heatmap' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('application', { name: 'Map' }).isVisible()).resolves.toBe(true);
    await page
      .getByRole('status')
      .getByText(/simulator · running/)
      .waitFor({ timeout: 20_000 });
  });

  it('opens a panel from the rail, one at a time, and closes it from its button', async () => {
    await page.getByRole('button', { name: 'Fences' }).click();
    await page.getByRole('region', { name: 'Fences' }).waitFor();
    await expect(page.getByRole('region', { name: 'Heatmap' }).count()).resolves.toBe(0);
    // An engine with no fences says so, and what will come.
    await page.getByRole('region', { name: 'Fences' }).getByText('No fences yet').waitFor();
    await page.getByRole('button', { name: 'Fences' }).click();
    await expect(page.getByRole('region', { name: 'Fences' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Notebooks' }).click();
    // A first notebook is ready to run: one SQL cell.
    await page.getByRole('region', { name: 'Notebooks' }).getByRole('textbox', { name: 'SQL' }).waitFor();
  });

  it('lists every action with its shortcut in the command palette, and runs the one chosen', async () => {
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor();
    const options = palette.getByRole('option');
    const texts = await options.allInnerTexts();
    expect(texts.length).toBeGreaterThanOrEqual(10);
    expect(texts.some((t) => /Open or close the Deliveries panel/.test(t) && /\bd\b/.test(t))).toBe(true);
    expect(texts.some((t) => /colour by the next measure/.test(t) && /\bm\b/.test(t))).toBe(true);
    // Typed words narrow the list; Enter runs the first.
    await page.getByRole('combobox', { name: 'Search commands' }).fill('deliveries panel');
    await expect(options.count()).resolves.toBe(1);
    await page.keyboard.press('Enter');
    await expect(palette.count()).resolves.toBe(0);
    // The Deliveries panel shows the engine's queue, as the engine reports it.
    const deliveries = page.getByRole('region', { name: 'Deliveries' });
    await deliveries.getByRole('status', { name: 'Queue health' }).getByText('Healthy').waitFor({ timeout: 10_000 });
    await deliveries.getByText('No dead letters', { exact: true }).waitFor();
    await deliveries.getByRole('tab', { name: 'Targets' }).click();
    await deliveries.getByText('No delivery targets').waitFor();
  });

  it('switches between the dark and the light theme, and remembers the choice across a reload', async () => {
    expect(await theme()).toBe('dark');
    await page.keyboard.press('t');
    expect(await theme()).toBe('light');
    await page.reload({ waitUntil: 'load' });
    await page.getByRole('navigation', { name: 'Panels' }).waitFor();
    expect(await theme()).toBe('light');
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Search commands' }).fill('theme');
    await page.keyboard.press('Enter');
    expect(await theme()).toBe('dark');
  });

  it('runs a heatmap action by its shortcut, and the panel shows it', async () => {
    const heatmap = page.getByRole('button', { name: 'Heatmap' });
    if ((await heatmap.getAttribute('aria-pressed')) !== 'true') await heatmap.click();
    const colourBy = page.getByRole('combobox', { name: 'Colour by' });
    expect(await colourBy.inputValue()).toBe('devices');
    await page.getByRole('application', { name: 'Map' }).click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('m');
    expect(await colourBy.inputValue()).toBe('positions');
    await page.getByTestId('legend').getByText('positions per cell').waitFor();
  });
});

describe('room to work', () => {
  it('resizes the side panel by dragging its edge and by keys, and keeps its width across a reload', async () => {
    const heatmap = page.getByRole('button', { name: 'Heatmap' });
    if ((await heatmap.getAttribute('aria-pressed')) !== 'true') await heatmap.click();
    const edge = page.getByRole('separator', { name: 'Side panel width' });
    const width = async () => Math.round((await page.locator('aside.side').boundingBox())!.width);
    const usual = await width();
    const at = (await edge.boundingBox())!;
    await page.mouse.move(at.x + at.width / 2, at.y + 300);
    await page.mouse.down();
    await page.mouse.move(at.x + at.width / 2 + 120, at.y + 300, { steps: 6 });
    await page.mouse.up();
    expect(await width()).toBe(usual + 120);
    expect(await edge.getAttribute('aria-valuenow')).toBe(String(usual + 120));
    await edge.focus();
    await page.keyboard.press('ArrowLeft');
    expect(await width()).toBe(usual + 104);
    await page.keyboard.press('Shift+ArrowRight');
    expect(await width()).toBe(usual + 168);
    // The map keeps its share: the widest the edge goes leaves it 360 px.
    await page.keyboard.press('End');
    expect(await width()).toBe(1280 - 64 - 360);
    await page.keyboard.press('Shift+ArrowLeft');
    const chosen = await width();
    const rpc = await engineRpc(web);
    await waitFor(async () => ((await rpc.call('preferences.get')).values['sidePanel.widths'] as { heatmap?: number } | undefined)?.heatmap === chosen, {
      timeoutMs: 5000,
      what: 'the width saved',
    });
    await rpc.close();
    await page.reload({ waitUntil: 'load' });
    await page.getByRole('region', { name: 'Heatmap' }).waitFor();
    expect(await width()).toBe(chosen);
    // A double click on the edge puts the usual width back.
    await page.getByRole('separator', { name: 'Side panel width' }).dblclick();
    expect(await width()).toBe(usual);
  });

  it('lets the Notebooks panel take the whole window and give the map back, by its button and by its key', async () => {
    await page.getByRole('button', { name: 'Notebooks' }).click();
    const notebooks = page.getByRole('region', { name: 'Notebooks' });
    const map = page.getByRole('application', { name: 'Map' });
    await notebooks.getByRole('button', { name: 'Whole window' }).click();
    expect(await map.isVisible()).toBe(false);
    expect((await notebooks.boundingBox())!.width).toBeGreaterThan(1280 - 64 - 10);
    expect(await page.getByRole('separator', { name: 'Side panel width' }).count()).toBe(0);
    await notebooks.getByRole('button', { name: 'Split with map' }).click();
    expect(await map.isVisible()).toBe(true);
    // The same by its key, with the focus outside the SQL editor.
    await notebooks.getByRole('heading', { name: 'Notebooks' }).click();
    await page.keyboard.press('w');
    expect(await map.isVisible()).toBe(false);
    await page.keyboard.press('w');
    expect(await map.isVisible()).toBe(true);
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Search commands' }).fill('whole window');
    expect(await page.getByRole('dialog', { name: 'Command palette' }).getByRole('option').allInnerTexts()).toEqual([
      expect.stringMatching(/Notebooks: take the whole window, or share it with the map[\s\S]*\bw\b/),
    ]);
    await page.keyboard.press('Escape');
  });
});

describe('the analyst’s choices', () => {
  it('are kept in the data dir: a restarted engine and a new window open the workstation as it was left', async () => {
    const dir = await makeTempDir('hexwatch-prefs-');
    const other = await startWebMode({ dataDir: dir.path, args: ['--simulator.devices', '100'] });
    try {
      const first = await openPage(browser, { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
      await first.goto(other.url, { waitUntil: 'load' });
      await first.getByRole('combobox', { name: 'Colour by' }).selectOption('positions');
      await first.getByRole('combobox', { name: 'Colour scale' }).selectOption('viridis');
      await first.getByRole('application', { name: 'Map' }).click({ position: { x: 20, y: 20 } });
      await first.keyboard.press('t');
      const rpc = await engineRpc(other);
      await waitFor(async () => (await rpc.call('preferences.get')).values['workbench.scale'] === 'viridis', { timeoutMs: 5000, what: 'the palette saved' });
      await waitFor(async () => (await rpc.call('preferences.get')).values['workbench.theme'] === 'light', { timeoutMs: 5000, what: 'the theme saved' });
      // Only what was chosen: the rest stay defaults.
      expect(Object.keys((await rpc.call('preferences.get')).values).sort()).toEqual(['workbench.metric', 'workbench.scale', 'workbench.theme']);
      await rpc.close();
      await first.context().close();
    } finally {
      await other.stop();
    }
    const again = await startWebMode({ dataDir: dir.path, args: ['--simulator.devices', '100'] });
    try {
      const second = await openPage(browser, { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
      await second.goto(again.url, { waitUntil: 'load' });
      await expect(second.getByRole('combobox', { name: 'Colour by' }).inputValue()).resolves.toBe('positions');
      await expect(second.getByRole('combobox', { name: 'Colour scale' }).inputValue()).resolves.toBe('viridis');
      await expect(second.locator('html').getAttribute('data-theme')).resolves.toBe('light');
    } finally {
      await again.stop();
      await dir.remove();
    }
  });
});
