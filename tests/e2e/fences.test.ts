// Fences on the map, in Chromium against web mode and the simulator: draw by clicking, name, save, and
// see the events arrive — in the feed, on the `fences.event` channel and through the delivery queue; a
// crossing ring refused with the engine's message; a rectangle and a circle saved as what they are; a
// vertex dragged into a new version; a delete undone.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Fence } from '../../shared/fence';
import { fencesPage, hook, payloadsOf, waitFor } from '../helpers';

const fp = fencesPage(['--simulator.devices', '2000', '--simulator.ratePerSec', '4000']);
const fences = () => fp.call('fences.list');
const layerIds = () => hook(fp.page, 'layerIds');

describe('fences on the map', () => {
  it('draws a polygon by clicking, saves it, and its events arrive in the feed, on the channel and through the queue', async () => {
    // Around the map's centre: the simulator's walkers are there.
    await fp.drawPolygon([
      [330, 230],
      [600, 230],
      [600, 500],
      [330, 500],
    ]);
    await fp.page.getByLabel('Fence name').fill('Midtown');
    await fp.page.getByRole('button', { name: 'Save fence' }).click();

    const list = fp.page.getByRole('region', { name: 'Fences' }).getByRole('listitem', { name: 'Midtown' });
    await list.waitFor({ timeout: 10_000 });
    const [saved] = await fences();
    expect(saved).toMatchObject({ name: 'Midtown', detect: ['enter', 'exit'], enabled: true, version: 1, geometry: { type: 'Polygon' } });
    expect((saved!.geometry as { coordinates: number[][][] }).coordinates[0]).toHaveLength(5);
    expect(await layerIds()).toContain('fences-areas');

    const feed = fp.page.getByRole('region', { name: 'Fence events' });
    await waitFor(async () => (await feed.getByRole('listitem').count()) > 0, { timeoutMs: 30_000, what: 'events of Midtown in the feed' });
    expect(await feed.getByRole('listitem').first().textContent()).toMatch(/(enter|exit)Midtown/);
    expect(payloadsOf(fp.rpc, 'fences.event').some((p) => p.event.fence_id === saved!.id)).toBe(true);
    // Attempts are recorded in batches after they are delivered: the feed can show an event before the figures count it.
    await waitFor(async () => (await fp.call('deliveries.metrics')).targets.find((t) => t.target_id === 'feed')!.delivered_last_hour > 0, {
      timeoutMs: 5_000,
      what: 'the feed target counted as delivered',
    });
  });

  it('shows each event’s fence and device whole in the feed, and holds the feed still under the pointer', async () => {
    const feed = fp.page.getByRole('region', { name: 'Fence events' });
    const rows = feed.getByRole('listitem');
    await waitFor(async () => (await rows.count()) >= 4, { timeoutMs: 30_000, what: 'four events in the feed' });
    const texts = () => rows.evaluateAll((items) => items.slice(0, 4).map((i) => i.textContent));
    // Nothing cut short: the fence's name and the device's id fit their place on the row.
    const cut = await rows.evaluateAll((items) =>
      items.flatMap((i) => [...i.querySelectorAll('.feed-fence, .feed-device')].filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent)),
    );
    expect(cut).toEqual([]);
    const devices = await rows.evaluateAll((items) => items.map((i) => i.querySelector('.feed-device')?.textContent));
    expect(devices.every((d) => d && /^\S+-\d+$/.test(d))).toBe(true);
    expect(await rows.first().textContent()).toMatch(/^(enter|exit)Midtown/);
    // Under the pointer the rows stay; what arrives meanwhile waits behind "N new — show".
    await rows.nth(2).hover();
    const held = await texts();
    const more = feed.getByRole('button', { name: /^[\d,]+ new — show$/ });
    await more.waitFor({ timeout: 30_000 });
    expect(await texts()).toEqual(held);
    await more.click();
    await expect.poll(texts).not.toEqual(held);
    await fp.page.mouse.move(5, 5);
  });

  it('refuses a ring that crosses itself with the engine’s message, marks the edges, and saves nothing', async () => {
    await fp.drawPolygon([
      [700, 250],
      [850, 400],
      [850, 250],
      [700, 400],
    ]);
    await fp.page.getByLabel('Fence name').fill('Bow tie');
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    await expect.poll(() => fp.page.getByRole('alert').filter({ hasText: 'ring intersects itself' }).count()).toBeGreaterThan(0);
    expect(await fp.page.getByRole('alert').filter({ hasText: 'ring intersects itself' }).first().textContent()).toMatch(/edges \d+ and \d+ meet near \[/);
    expect(await layerIds()).toContain('fences-crossing');
    expect((await fences()).map((f) => f.name)).toEqual(['Midtown']);
    await fp.page.getByRole('button', { name: 'Cancel' }).click();
    await waitFor(async () => (await fp.drawingMode()) === 'static', { timeoutMs: 5000, what: 'the drawing cancelled' });
  });

  it('saves a rectangle as its box and a circle with the radius typed in', async () => {
    await fp.page.getByRole('button', { name: 'Draw rectangle' }).click();
    await fp.click(650, 250);
    await fp.click(800, 350);
    await waitFor(async () => (await fp.drawingMode()) === 'select', { timeoutMs: 5000, what: 'the rectangle drawn' });
    await fp.page.getByLabel('Fence name').fill('Depot');
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    await fp.page.getByRole('listitem', { name: 'Depot' }).waitFor({ timeout: 10_000 });

    await fp.page.getByRole('button', { name: 'Draw circle' }).click();
    await fp.click(700, 550);
    await fp.click(740, 550);
    await waitFor(async () => (await fp.drawingMode()) === 'select', { timeoutMs: 5000, what: 'the circle drawn' });
    await fp.page.getByLabel('Radius (m)').fill('750');
    await fp.page.getByLabel('Fence name').fill('Yard');
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    await fp.page.getByRole('listitem', { name: 'Yard' }).waitFor({ timeout: 10_000 });

    const byName = new Map((await fences()).map((f) => [f.name, f.geometry]));
    const box = byName.get('Depot') as { type: string; bbox: number[] };
    expect(box.type).toBe('Rectangle');
    expect(box.bbox[0]).toBeLessThan(box.bbox[2]!);
    expect(box.bbox[1]).toBeLessThan(box.bbox[3]!);
    expect(byName.get('Yard')).toMatchObject({ type: 'Circle', radius_m: 750 });
  });

  it('saves a dragged vertex of a saved fence as its next version', async () => {
    const before = (await fences()).find((f) => f.name === 'Midtown')!;
    await fp.page.getByRole('listitem', { name: 'Midtown' }).getByRole('button', { name: 'Edit' }).click();
    await waitFor(async () => (await fp.drawingMode()) === 'select', { timeoutMs: 5000, what: 'Midtown open for editing' });
    // The corner drawn at (330, 230), dragged 40 px left and up.
    await fp.page.mouse.move(fp.mapAt.x + 330, fp.mapAt.y + 230);
    await fp.page.mouse.down();
    await fp.page.mouse.move(fp.mapAt.x + 310, fp.mapAt.y + 210, { steps: 4 });
    await fp.page.mouse.move(fp.mapAt.x + 290, fp.mapAt.y + 190, { steps: 4 });
    await fp.page.mouse.up();
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    await waitFor(async () => (await fences()).find((f) => f.name === 'Midtown')!.version === 2, { timeoutMs: 10_000, what: 'Midtown v2' });
    const after = (await fences()).find((f) => f.name === 'Midtown')!;
    const ring = (g: Fence['geometry']) => (g as { coordinates: number[][][] }).coordinates[0]!;
    expect(ring(after.geometry)).not.toEqual(ring(before.geometry));
    const { history } = await fp.call('fences.get', { id: after.id });
    expect(history.map((h) => h.version).sort()).toEqual([1, 2]);
  });

  it('deletes a fence, and Undo brings it back', async () => {
    await fp.page.getByRole('listitem', { name: 'Depot' }).getByRole('button', { name: 'Delete fence' }).click();
    await waitFor(async () => !(await fences()).some((f) => f.name === 'Depot'), { timeoutMs: 10_000, what: 'Depot deleted' });
    await fp.page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
    await waitFor(async () => (await fences()).some((f) => f.name === 'Depot'), { timeoutMs: 10_000, what: 'Depot back' });
    await fp.page.getByRole('listitem', { name: 'Depot' }).waitFor({ timeout: 10_000 });
  });

  it('restores an older version into the draft, and saving it makes it the newest', async () => {
    const midtown = (await fences()).find((f) => f.name === 'Midtown')!;
    const { history } = await fp.call('fences.get', { id: midtown.id });
    const first = history.find((h) => h.version === 1)!.fence!;
    await fp.page.getByRole('listitem', { name: 'Midtown' }).getByRole('button', { name: 'Edit' }).click();
    const versions = fp.page.getByRole('region', { name: 'Versions' });
    await versions.getByRole('listitem', { name: 'Version 1' }).getByRole('button', { name: 'Show' }).click();
    await expect.poll(layerIds).toContain('fences-ghost');
    await versions.getByRole('listitem', { name: 'Version 1' }).getByRole('button', { name: 'Restore this version' }).click();
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    await waitFor(async () => (await fences()).find((f) => f.id === midtown.id)!.version === 3, { timeoutMs: 10_000, what: 'Midtown v3' });
    expect((await fences()).find((f) => f.id === midtown.id)!.geometry).toEqual(first.geometry);
  });

  it('imports a FeatureCollection: valid features become fences, invalid ones are listed by index with their reason; export gives them back', async () => {
    const square = (x: number) => [
      [
        [x, 40.7],
        [x + 0.01, 40.7],
        [x + 0.01, 40.71],
        [x, 40.71],
        [x, 40.7],
      ],
    ];
    const file = join(mkdtempSync(join(tmpdir(), 'hexwatch-fences-')), 'import.geojson');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', geometry: { type: 'Polygon', coordinates: square(-74) }, properties: { id: 'imp-a', name: 'Imported A' } },
          {
            type: 'Feature',
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [-74, 40.7],
                  [-73.99, 40.71],
                  [-73.99, 40.7],
                  [-74, 40.71],
                  [-74, 40.7],
                ],
              ],
            },
            properties: { id: 'imp-bow', name: 'Bow' },
          },
          { type: 'Feature', geometry: { type: 'Polygon', coordinates: square(-73.98) }, properties: { id: 'imp-b', name: 'Imported B' } },
          {
            type: 'Feature',
            geometry: {
              type: 'LineString',
              coordinates: [
                [-74, 40.7],
                [-73.9, 40.8],
              ],
            },
            properties: { id: 'imp-line', name: 'Line' },
          },
          { type: 'Feature', geometry: { type: 'Point', coordinates: [-73.97, 40.75] }, properties: { id: 'imp-c', name: 'Imported C', radius_m: 300 } },
        ],
      }),
    );
    const chooser = fp.page.waitForEvent('filechooser');
    await fp.page.getByRole('button', { name: 'Import file…' }).click();
    await (await chooser).setFiles(file);
    const report = fp.page.getByRole('status', { name: 'Import result' });
    await expect.poll(() => report.textContent()).toContain('3 imported, 2 refused');
    const refused = await report.getByRole('listitem').allTextContents();
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatch(/^Feature 2 \(imp-bow\): .*ring intersects itself/);
    expect(refused[1]).toMatch(/^Feature 4 \(imp-line\): .*geometry type/);
    await fp.page.getByRole('listitem', { name: 'Imported C' }).waitFor({ timeout: 10_000 });

    const download = fp.page.waitForEvent('download');
    await fp.page.getByRole('button', { name: 'Export fences' }).click();
    await fp.page.getByRole('menuitem', { name: 'GeoJSON' }).click();
    const exported = JSON.parse(readFileSync((await (await download).path())!, 'utf8')) as { features: { id: string }[] };
    expect(exported.features.map((f) => f.id).sort()).toEqual((await fences()).map((f) => f.id).sort());
  });

  it('cuts a hole in a polygon with a ring drawn inside it', async () => {
    await fp.drawPolygon([
      [620, 580],
      [860, 580],
      [860, 740],
      [620, 740],
    ]);
    await fp.page.getByRole('button', { name: 'Draw hole' }).click();
    for (const [x, y] of [
      [700, 620],
      [780, 620],
      [740, 700],
    ] as const)
      await fp.click(x, y);
    await fp.page.keyboard.press('Enter');
    await fp.page.getByRole('button', { name: 'Remove holes (1)' }).waitFor({ timeout: 5000 });
    await fp.page.getByLabel('Fence name').fill('Courtyard');
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    await fp.page.getByRole('listitem', { name: 'Courtyard' }).waitFor({ timeout: 10_000 });
    const courtyard = (await fences()).find((f) => f.name === 'Courtyard')!;
    const rings = (courtyard.geometry as { type: string; coordinates: number[][][] }).coordinates;
    expect(courtyard.geometry.type).toBe('Polygon');
    expect(rings.map((r) => r.length)).toEqual([5, 4]);

    // Edited later, its outer ring moves and its hole stays.
    await fp.page.getByRole('listitem', { name: 'Courtyard' }).getByRole('button', { name: 'Edit' }).click();
    await waitFor(async () => (await fp.drawingMode()) === 'select', { timeoutMs: 5000, what: 'Courtyard open for editing' });
    await fp.page.mouse.move(fp.mapAt.x + 860, fp.mapAt.y + 740);
    await fp.page.mouse.down();
    await fp.page.mouse.move(fp.mapAt.x + 880, fp.mapAt.y + 750, { steps: 6 });
    await fp.page.mouse.up();
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    await waitFor(async () => (await fences()).find((f) => f.name === 'Courtyard')!.version === 2, { timeoutMs: 10_000, what: 'Courtyard v2' });
    const edited = (await fences()).find((f) => f.name === 'Courtyard')!.geometry as { coordinates: number[][][] };
    expect(edited.coordinates[0]).not.toEqual(rings[0]);
    expect(edited.coordinates[1]).toEqual(rings[1]);
  });

  // Last: it moves the map.
  it('goes to an event clicked in the feed, following its device, with its fence selected', async () => {
    const feed = fp.page.getByRole('region', { name: 'Fence events' });
    await fp.page.getByRole('button', { name: 'Pause' }).click();
    const row = feed.getByRole('listitem').filter({ hasText: 'Midtown' }).first();
    const device = (await row.locator('.feed-device').textContent())!;
    await row.click();
    await expect.poll(() => fp.page.getByRole('status', { name: 'Following a device' }).textContent()).toContain(device);
    const midtown = fp.page.getByRole('region', { name: 'Fences' }).getByRole('listitem', { name: 'Midtown' });
    await expect.poll(() => midtown.getAttribute('aria-current')).toBe('true');
    expect(await layerIds()).toContain('selected-fence-line');
    await fp.page.getByRole('button', { name: 'Stop following' }).click();
    await fp.page.getByRole('button', { name: 'Resume' }).click();
  });
});
