// The workbench as an analyst meets it, in Chromium against web mode: a rail of panels, the map, the
// status bar, a command palette listing every action with its shortcut, and light and dark themes.
// Controls are found by role and accessible name, as a person (or a screen reader) finds them.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineRpc, hook, launchChromium, makeTempDir, openPage, resultsDir, startWebMode, waitFor, type WebMode } from '../helpers';

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
    // The workstation shows once the analyst's choices are in (a moment after the page loads).
    await rail.waitFor();
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
    const rail = page.getByRole('navigation', { name: 'Panels' });
    await rail.getByRole('button', { name: 'Fences' }).click();
    await page.getByRole('region', { name: 'Fences' }).waitFor();
    await expect(page.getByRole('region', { name: 'Heatmap' }).count()).resolves.toBe(0);
    // An engine with no fences says so, and what will come.
    await page.getByRole('region', { name: 'Fences' }).getByText('No fences yet').waitFor();
    await rail.getByRole('button', { name: 'Fences' }).click();
    await expect(page.getByRole('region', { name: 'Fences' }).count()).resolves.toBe(0);
    await rail.getByRole('button', { name: 'Notebooks' }).click();
    // A first notebook is ready to run: one SQL cell.
    await page.getByRole('region', { name: 'Notebooks' }).getByRole('textbox', { name: 'SQL' }).waitFor();
  });

  it('names every command once: no title repeats its group, and each button of a panel’s toolbars is in the palette under its own name', async () => {
    const commands = await hook(page, 'commands');
    expect(commands.length).toBeGreaterThan(40);
    expect(commands.filter((c) => c.title.toLowerCase().startsWith(c.group.toLowerCase())).map((c) => `${c.group}: ${c.title}`)).toEqual([]);
    expect(new Set(commands.map((c) => c.title)).size).toBe(commands.length);
    const titles = commands.map((c) => c.title.toLowerCase());
    const missing: string[] = [];
    for (const panel of ['Heatmap', 'Fences', 'Deliveries', 'Notebooks']) {
      const rail = page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: panel });
      if ((await rail.getAttribute('aria-pressed')) !== 'true') await rail.click();
      const region = page.getByRole('region', { name: panel }).first();
      await region.waitFor();
      for (const name of await region
        .getByRole('toolbar')
        .getByRole('button')
        .evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label') ?? b.textContent!.trim())))
        if (!titles.some((t) => t.startsWith(name.toLowerCase()))) missing.push(`${panel}: ${name}`);
    }
    expect(missing).toEqual([]);
  });

  it('finds every notebook command in the palette by its name', async () => {
    const notebooks = page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Notebooks' });
    if ((await notebooks.getAttribute('aria-pressed')) !== 'true') await notebooks.click();
    // The cell commands act on the cell worked in: choose the first.
    await page.getByRole('region', { name: 'Cell 1' }).getByRole('textbox', { name: 'SQL' }).click();
    await page.keyboard.press('Control+k');
    const search = page.getByRole('combobox', { name: 'Search commands' });
    const options = page.getByRole('dialog', { name: 'Command palette' }).getByRole('option');
    for (const name of [
      'New notebook',
      'Open notebook',
      'Save notebook',
      'Run all cells',
      'Run cell',
      'Run from here',
      'Add SQL cell',
      'Add notes',
      'Delete cell',
      'Open file',
    ]) {
      await search.fill(name);
      await expect
        .poll(() => options.allInnerTexts(), { timeout: 5000 })
        .toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^Notebooks\\s+${name}`))]));
    }
    await page.keyboard.press('Escape');
  });

  it('lists every action with its shortcut in the command palette, and runs the one chosen', async () => {
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor();
    const options = palette.getByRole('option');
    const texts = await options.allInnerTexts();
    expect(texts.length).toBeGreaterThanOrEqual(10);
    expect(texts.some((t) => /Open or close the Deliveries panel/.test(t) && /\bd\b/.test(t))).toBe(true);
    expect(texts.some((t) => /^Heatmap\s+Colour by the next measure/.test(t) && /\bm\b/.test(t))).toBe(true);
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

  it('opens the Keyboard shortcuts with ?: every key, grouped and searchable; Esc closes it', async () => {
    await page.getByRole('application', { name: 'Map' }).click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    const row = (key: string) => dialog.getByRole('row').filter({ has: page.locator('kbd', { hasText: new RegExp(`^${key}$`) }) });
    expect(await row('m').textContent()).toMatch(/Colour by the next measure/);
    expect(await row('y').textContent()).toMatch(/Play back the archive/);
    expect(await row('Ctrl\\+K').textContent()).toMatch(/Command palette/);
    for (const group of ['Workbench', 'Heatmap', 'Playback', 'Fences', 'Notebooks']) await dialog.getByRole('heading', { name: group, exact: true }).waitFor();
    // Every group can be read inside the dialog at the sizes analysts use: none sits past its edge, a long list scrolls.
    for (const viewport of [
      { width: 1440, height: 900 },
      { width: 1280, height: 720 },
    ]) {
      await page.setViewportSize(viewport);
      const outside = await dialog.evaluate((d) => {
        const box = d.getBoundingClientRect();
        const sideways = [...d.querySelectorAll('*')].filter(
          (e) =>
            e.scrollWidth > e.clientWidth + 1 &&
            (globalThis as unknown as { getComputedStyle(e: unknown): { overflowX: string } }).getComputedStyle(e).overflowX !== 'visible',
        );
        if (sideways.length > 0) return [`scrolls sideways: ${sideways.map((e) => e.className).join(', ')}`];
        return [...d.querySelectorAll('h3')].flatMap((h) => {
          h.scrollIntoView({ block: 'nearest', inline: 'nearest' });
          const r = h.getBoundingClientRect();
          const inside = r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom;
          return inside ? [] : [`${h.textContent} at ${Math.round(r.left)},${Math.round(r.top)} outside ${Math.round(box.right)}×${Math.round(box.bottom)}`];
        });
      });
      expect(outside, `${viewport.width}×${viewport.height}`).toEqual([]);
      await page.screenshot({ path: `test-results/shortcuts-${viewport.width}x${viewport.height}.png` });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    // A key pressed in the dialog is the dialog's: m does not change the map's measure.
    await page.getByRole('searchbox', { name: 'Search shortcuts' }).fill('undo the last');
    await expect.poll(() => dialog.getByRole('row').allInnerTexts()).toEqual([expect.stringMatching(/Ctrl\+Z\s+Undo the last drawing step/)]);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    // Keys reach the workstation at once after the dialog: the first y plays back (a bar, or a note on an empty archive).
    await page.keyboard.press('y');
    const playback = page.getByRole('group', { name: 'Time playback' }).or(page.getByRole('status', { name: 'Playback' }));
    await playback.waitFor({ timeout: 10_000 });
    // The palette offers Back to live only while playing back, and "play back" finds playing back first.
    const options = page.getByRole('dialog', { name: 'Command palette' }).getByRole('option');
    const find = async (words: string) => {
      await page.keyboard.press('Control+k');
      await page.getByRole('combobox', { name: 'Search commands' }).fill(words);
      const texts = await options.allInnerTexts();
      await page.keyboard.press('Escape');
      return texts;
    };
    expect(await find('back to live')).toEqual([expect.stringMatching(/Back to live/)]);
    await page.keyboard.press('Escape');
    await expect.poll(() => playback.count()).toBe(0);
    expect(await find('back to live')).toEqual([]);
    expect((await find('play back'))[0]).toMatch(/Play back the archive/);
  });

  it('opens the bundled user guide from Help, its headings as contents; F1 and Esc close it', async () => {
    await page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Help' }).click();
    const guide = page.getByRole('dialog', { name: 'User guide' });
    await guide.getByRole('heading', { name: 'hexwatch user guide', level: 1 }).waitFor({ timeout: 10_000 });
    const contents = guide.getByRole('navigation', { name: 'Contents' }).getByRole('link');
    const entries = await contents.allTextContents();
    for (const heading of [
      'The workstation at a glance',
      'Several engines: the Fleet view',
      'Reading the heatmap',
      'Playing back the archive',
      'Fences',
      'Deliveries',
      'Notebooks',
      'Keyboard shortcuts',
    ])
      expect(entries).toContain(heading);
    expect(entries.length).toBeGreaterThan(20);
    // A heading chosen in the contents scrolls into the reading pane, and becomes the current one.
    const deadLetters = guide.getByRole('heading', { name: 'Dead letters', level: 3 });
    await contents.filter({ hasText: /^Dead letters$/ }).click();
    await expect
      .poll(() => deadLetters.evaluate((h) => h.getBoundingClientRect().top - h.closest('.guide-body')!.getBoundingClientRect().top))
      .toBeLessThan(40);
    expect(await contents.filter({ hasText: /^Dead letters$/ }).getAttribute('aria-current')).toBe('location');
    await page.keyboard.press('Escape');
    await expect.poll(() => guide.count()).toBe(0);
    await page.keyboard.press('F1');
    await guide.waitFor();
    await page.keyboard.press('F1');
    await expect.poll(() => guide.count()).toBe(0);
  });

  it('runs a heatmap action by its shortcut, and the panel shows it', async () => {
    const heatmap = page.getByRole('button', { name: 'Heatmap' });
    if ((await heatmap.getAttribute('aria-pressed')) !== 'true') await heatmap.click();
    const colourBy = page.getByRole('combobox', { name: 'Colour by' });
    expect(await colourBy.inputValue()).toBe('devices');
    await page.getByRole('application', { name: 'Map' }).click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('m');
    expect(await colourBy.inputValue()).toBe('positions');
    await page.getByRole('figure', { name: 'Legend: Live heatmap' }).getByText('positions per cell').waitFor();
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
      expect.stringMatching(/Whole window, or split with the map[\s\S]*\bw\b/),
    ]);
    await page.keyboard.press('Escape');
  });
});

describe('the analyst’s choices', () => {
  it('are kept in the data dir: a restarted engine and a new window open the workstation as it was left', async () => {
    const dir = await makeTempDir('hexwatch-prefs-');
    const other = await startWebMode({ dataDir: dir.path, args: ['--simulator.devices', '100'] });
    try {
      // The suite's window, pointed at this engine (a second window beside it starves on SwiftShader).
      const first = page;
      await first.goto(other.url, { waitUntil: 'load' });
      await first.getByRole('combobox', { name: 'Colour by' }).selectOption('positions');
      await first.getByRole('combobox', { name: 'Colour scale' }).selectOption('thermal');
      await first.getByRole('application', { name: 'Map' }).click({ position: { x: 20, y: 20 } });
      await first.keyboard.press('t');
      // A notebook never saved to a file, and a query run in it: kept by the engine too, as the next start serves on a new origin.
      await first.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Notebooks' }).click();
      const cell = first.getByRole('region', { name: 'Cell 1' });
      await cell.getByRole('textbox', { name: 'SQL' }).click();
      await first.keyboard.type('SELECT 6 * 7 AS answer');
      await cell.getByRole('button', { name: 'Run cell' }).click();
      await expect.poll(() => cell.getByRole('grid', { name: 'Result' }).getByRole('gridcell').allTextContents(), { timeout: 30_000 }).toEqual(['42']);
      await first.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Deliveries' }).click();
      const deliveries = first.getByRole('region', { name: 'Deliveries' });
      await deliveries.getByRole('tab', { name: 'Health' }).click();
      await deliveries.getByRole('radio', { name: 'Last hour' }).click();
      const rpc = await engineRpc(other);
      const saved = async () => (await rpc.call('preferences.get')).values;
      await waitFor(async () => (await saved())['workbench.scale'] === 'thermal', { timeoutMs: 5000, what: 'the palette saved' });
      await waitFor(async () => (await saved())['workbench.theme'] === 'light', { timeoutMs: 5000, what: 'the theme saved' });
      await waitFor(async () => (await saved())['deliveries.healthRange'] === '1h', { timeoutMs: 5000, what: 'the health range saved' });
      await waitFor(async () => JSON.stringify((await saved())['notebooks.queries'] ?? []).includes('SELECT 6 * 7'), {
        timeoutMs: 5000,
        what: 'the query history saved',
      });
      // Only what was chosen: the rest stay defaults.
      expect(Object.keys(await saved()).sort()).toEqual([
        'deliveries.healthRange',
        'deliveries.tab',
        'notebooks.autosave',
        'notebooks.queries',
        'workbench.metric',
        'workbench.panel',
        'workbench.scale',
        'workbench.theme',
      ]);
      await rpc.close();
    } finally {
      await other.stop();
    }
    // The engine gone: the page says so and what to do, and the figures it last had are not shown as live.
    const banner = page.getByRole('alert').filter({ hasText: 'The engine stopped or restarted' });
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.innerText()).toContain('Start hexwatch again; if it restarted, open the address it printed — it changes with each start in web mode.');
    expect(await page.getByTestId('source-status').innerText()).toBe('simulator · engine disconnected');
    const rate = page.getByTestId('status-bar').getByText(/positions\/s$/);
    expect(
      Number(await rate.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { opacity: string } }).getComputedStyle(el).opacity)),
    ).toBeLessThan(1);
    await mkdir(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'workbench-engine-gone-light-1280.png') });
    const again = await startWebMode({ dataDir: dir.path, args: ['--simulator.devices', '100'] });
    try {
      // A new window: nothing carried over but what the engine kept.
      await page.context().close();
      const second = await openPage(browser, { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
      await second.goto(again.url, { waitUntil: 'load' });
      // The Deliveries panel open on its Health tab over the last hour, as it was left.
      const deliveries = second.getByRole('region', { name: 'Deliveries' });
      await expect(deliveries.getByRole('tab', { name: 'Health' }).getAttribute('aria-selected')).resolves.toBe('true');
      await expect(deliveries.getByRole('radio', { name: 'Last hour' }).getAttribute('aria-checked')).resolves.toBe('true');
      await expect(second.locator('html').getAttribute('data-theme')).resolves.toBe('light');
      await second.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Heatmap' }).click();
      await expect(second.getByRole('combobox', { name: 'Colour by' }).inputValue()).resolves.toBe('positions');
      await expect(second.getByRole('combobox', { name: 'Colour scale' }).inputValue()).resolves.toBe('thermal');
      // The notebook as it was left, unsaved, and the query in its history (this origin's storage is empty).
      expect(new URL(again.url).origin).not.toBe(new URL(other.url).origin);
      await second.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Notebooks' }).click();
      await expect
        .poll(() => second.getByRole('region', { name: 'Cell 1' }).getByRole('textbox', { name: 'SQL' }).textContent(), { timeout: 10_000 })
        .toBe('SELECT 6 * 7 AS answer');
      await second.getByText(/^Query history \(1\)$/).click();
      expect(await second.getByRole('list', { name: 'Query history' }).getByRole('listitem').allInnerTexts()).toEqual([
        expect.stringContaining('SELECT 6 * 7 AS answer'),
      ]);
    } finally {
      await again.stop();
      await dir.remove();
    }
  });
});
