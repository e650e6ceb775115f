// Drawing and editing fences as an analyst does, in Chromium against web mode: a circle's radius read
// out while it is dragged, a freehand lasso simplified to the corners that shape it, undo and redo of a
// vertex drag, a corner snapped onto another fence's vertex, and an edit that meets a change saved
// elsewhere (another client) — shown, not overwritten.
import { describe, expect, it } from 'vitest';
import type { Fence, FenceInput } from '../../shared/fence';
import { ringSelfIntersection } from '../../shared/ring-check';
import { fencesPage, hook, waitFor } from '../helpers';

const fp = fencesPage(['--simulator.devices', '200', '--simulator.ratePerSec', '200']);
const fences = () => fp.call('fences.list');
const fenceNamed = async (name: string) => (await fences()).find((f) => f.name === name);
const at = (x: number, y: number) => [fp.mapAt.x + x, fp.mapAt.y + y] as const;
const outer = (f: Fence) => (f.geometry as { coordinates: [number, number][][] }).coordinates[0]!;
/** Where a [lon, lat] is on the page. */
async function pixelOf(p: [number, number]): Promise<[number, number]> {
  const [x, y] = await hook(fp.page, 'project', p);
  return [fp.mapAt.x + x, fp.mapAt.y + y];
}

async function save(name: string): Promise<Fence> {
  await fp.page.getByLabel('Fence name').fill(name);
  await fp.page.getByRole('button', { name: 'Save fence' }).click();
  await fp.page.getByRole('region', { name: 'Fences' }).getByRole('listitem', { name }).waitFor({ timeout: 10_000 });
  return (await fenceNamed(name))!;
}

describe('drawing and editing fences', () => {
  it('reads out a circle’s radius while it is dragged, and saves the radius it said', async () => {
    await fp.page.getByRole('button', { name: 'Draw circle' }).click();
    await fp.click(500, 400);
    await fp.page.mouse.move(...at(560, 400), { steps: 8 });
    const hint = fp.page.getByRole('status', { name: 'Circle radius' });
    await hint.waitFor({ timeout: 5000 });
    await fp.page.mouse.move(...at(590, 400), { steps: 4 });
    await expect.poll(() => hint.textContent()).toMatch(/^Radius [\d.]+ (m|km)$/);
    const said = (await hint.textContent())!;
    await fp.click(590, 400);
    await waitFor(async () => (await fp.drawingMode()) === 'select', { timeoutMs: 5000, what: 'the circle drawn' });
    expect(await hint.count()).toBe(0);
    const circle = await save('Plaza');
    const [, value, unit] = /Radius ([\d.]+) (m|km)/.exec(said)!;
    const metres = Number(value) * (unit === 'km' ? 1000 : 1);
    expect(circle.geometry.type).toBe('Circle');
    // The read-out is rounded to the metre, or to 10 m in km.
    expect(Math.abs((circle.geometry as { radius_m: number }).radius_m - metres)).toBeLessThanOrEqual(unit === 'km' ? 5 : 0.5);
  });

  it('simplifies a freehand lasso to the corners that shape it', async () => {
    await fp.page.getByRole('button', { name: 'Draw freehand' }).click();
    // A square traced by hand: 4 sides of 12 moves each.
    const corners: [number, number][] = [
      [700, 200],
      [900, 200],
      [900, 380],
      [700, 380],
    ];
    await fp.click(...corners[0]!);
    let moves = 0;
    for (let k = 0; k < 4; k++) {
      const [ax, ay] = corners[k]!;
      const [bx, by] = corners[(k + 1) % 4]!;
      for (let i = 1; i <= 12; i++, moves++)
        await fp.page.mouse.move(...at(ax + ((bx - ax) * i) / 12, ay + ((by - ay) * i) / 12 - (k === 3 && i === 12 ? 6 : 0)));
    }
    await fp.click(700, 194);
    await waitFor(async () => (await fp.drawingMode()) === 'select', { timeoutMs: 5000, what: 'the lasso closed' });
    const lasso = await save('Lasso');
    const ring = outer(lasso);
    expect(lasso.geometry.type).toBe('Polygon');
    expect(ringSelfIntersection(ring)).toBeUndefined();
    // Far fewer corners than the moves, and still the square: every corner within one move (16.7 px) of one
    // drawn — Chromium merges moves that come faster than it paints, as it does for a quick hand.
    expect(ring.length - 1).toBeLessThanOrEqual(8);
    expect(ring.length - 1).toBeLessThan(moves / 4);
    const drawnAt = await Promise.all(ring.map(pixelOf));
    for (const [cx, cy] of corners) {
      const [px, py] = at(cx, cy);
      expect(Math.min(...drawnAt.map(([x, y]) => Math.hypot(x - px, y - py)))).toBeLessThan(20);
    }
  });

  it('undoes a vertex drag with Ctrl+Z and redoes it with Ctrl+Shift+Z', async () => {
    // Drawn in the map's upper half: the legends stand in its lower left.
    await fp.drawPolygon([
      [200, 250],
      [380, 250],
      [380, 420],
      [200, 420],
    ]);
    const drawn = await save('Undo yard');
    await fp.page.getByRole('listitem', { name: 'Undo yard' }).getByRole('button', { name: 'Edit' }).click();
    await waitFor(async () => (await fp.drawingMode()) === 'select', { timeoutMs: 5000, what: 'Undo yard open for editing' });
    const drag = async () => {
      await fp.page.mouse.move(...at(380, 420));
      await fp.page.mouse.down();
      await fp.page.mouse.move(...at(420, 460), { steps: 6 });
      await fp.page.mouse.up();
    };
    await drag();
    // The drag is undone: saved as it was drawn.
    await fp.page.keyboard.press('Control+z');
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    await waitFor(async () => (await fenceNamed('Undo yard'))!.version === 2, { timeoutMs: 10_000, what: 'Undo yard v2' });
    expect(outer((await fenceNamed('Undo yard'))!)).toEqual(outer(drawn));

    // Dragged, undone, redone: saved dragged.
    await fp.page.getByRole('listitem', { name: 'Undo yard' }).getByRole('button', { name: 'Edit' }).click();
    await waitFor(async () => (await fp.drawingMode()) === 'select', { timeoutMs: 5000, what: 'Undo yard open again' });
    await drag();
    await fp.page.keyboard.press('Control+z');
    await fp.page.keyboard.press('Control+Shift+z');
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    await waitFor(async () => (await fenceNamed('Undo yard'))!.version === 3, { timeoutMs: 10_000, what: 'Undo yard v3' });
    const redone = outer((await fenceNamed('Undo yard'))!);
    expect(redone).not.toEqual(outer(drawn));
    // The dragged corner is where the drag left it (the drag starts a few px after the press), far from where it was.
    const [x, y] = await pixelOf(redone[2]!);
    expect(Math.hypot(x - (fp.mapAt.x + 420), y - (fp.mapAt.y + 460))).toBeLessThan(15);
    expect(Math.hypot(x - (fp.mapAt.x + 380), y - (fp.mapAt.y + 420))).toBeGreaterThan(40);
  });

  it('snaps a corner clicked near another fence’s vertex onto it exactly', async () => {
    const yard = outer((await fenceNamed('Undo yard'))!);
    // Yard's top-right corner, clicked 5 px off.
    const [x, y] = await pixelOf(yard[1]!);
    await fp.page.getByRole('button', { name: 'Draw polygon' }).click();
    await fp.page.mouse.click(x + 4, y - 3);
    await fp.click(560, 250);
    await fp.click(520, 360);
    await fp.page.keyboard.press('Enter');
    await waitFor(async () => (await fp.drawingMode()) === 'select', { timeoutMs: 5000, what: 'the snapped polygon finished' });
    const snapped = await save('Snapped');
    expect(outer(snapped)).toContainEqual(yard[1]);
  });

  it('shows an edit that meets a change saved elsewhere, and saves nothing over it until the analyst chooses', async () => {
    await fp.drawPolygon([
      [620, 560],
      [760, 560],
      [760, 700],
      [620, 700],
    ]);
    const pier = await save('Pier');
    await fp.page.getByRole('listitem', { name: 'Pier' }).getByRole('button', { name: 'Edit' }).click();
    await fp.page.getByLabel('Fence name').fill('Pier (mine)');

    // Another client renames it meanwhile: the list follows without a reload, the form says so.
    const { version: _v, updated_at: _at, ...input } = pier;
    await fp.call('fences.save', { fence: { ...input, name: 'Pier North' } satisfies FenceInput, expectedVersion: 1 });
    await fp.page.getByRole('region', { name: 'Fences' }).getByRole('listitem', { name: 'Pier North' }).waitFor({ timeout: 10_000 });
    const conflict = fp.page.getByRole('alert', { name: 'Edited elsewhere' });
    await conflict.waitFor({ timeout: 10_000 });
    expect(await conflict.textContent()).toMatch(/version 2, you opened version 1/);

    // Save is refused by the engine with its message; nothing is overwritten.
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    await expect.poll(() => fp.page.getByRole('alert').filter({ hasText: 'was edited meanwhile' }).count()).toBeGreaterThan(0);
    expect(await fenceNamed('Pier North')).toMatchObject({ version: 2 });

    // Loading theirs puts their name in the form; keeping mine after that saves mine as version 3.
    await conflict.getByRole('button', { name: 'Load version 2' }).click();
    await expect.poll(() => fp.page.getByLabel('Fence name').inputValue()).toBe('Pier North');
    await fp.page.getByLabel('Fence name').fill('Pier (mine)');
    await fp.page.getByRole('button', { name: 'Save fence' }).click();
    await waitFor(async () => (await fences()).some((f) => f.id === pier.id && f.version === 3 && f.name === 'Pier (mine)'), {
      timeoutMs: 10_000,
      what: 'Pier saved as v3',
    });
    await fp.page.getByRole('region', { name: 'Fences' }).getByRole('listitem', { name: 'Pier (mine)' }).waitFor({ timeout: 10_000 });
  });

  it('sorts the list by when each fence was last saved', async () => {
    await fp.page.getByLabel('Sort fences').selectOption('updated');
    const names = await fp.page
      .getByRole('region', { name: 'Fences' })
      .getByRole('list', { name: 'Saved fences' })
      .getByRole('listitem')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    const byTime = [...(await fences())].sort((a, b) => b.updated_at! - a.updated_at!).map((f) => f.name);
    expect(names).toEqual(byTime);
    expect(names[0]).toBe('Pier (mine)');
  });

  it('disables and enables a fence from its switch in the list', async () => {
    const plaza = fp.page.getByRole('region', { name: 'Fences' }).getByRole('listitem', { name: 'Plaza' });
    await plaza.getByRole('checkbox', { name: 'Enabled: Plaza' }).uncheck();
    await waitFor(async () => (await fenceNamed('Plaza'))!.enabled === false, { timeoutMs: 10_000, what: 'Plaza disabled' });
    await expect.poll(() => plaza.textContent()).toContain('disabled');
    await plaza.getByRole('checkbox', { name: 'Enabled: Plaza' }).check();
    await waitFor(async () => (await fenceNamed('Plaza'))!.enabled === true, { timeoutMs: 10_000, what: 'Plaza enabled again' });
  });
});
