import { gridDisk, latLngToCell } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { colorLut, VIRIDIS } from '../../../../shared/color-scale';
import { cellToHex, hexToCell } from '../../../../shared/h3-cell';
import { allocateFrame, decodeFrame, sealFrame, VANISHED, type HeatmapFrame } from '../../../../shared/heatmap-frame';
import type { HeatmapMetric } from '../../../../shared/rpc';
import { CenterCache, HeatAttributes } from './frame-attributes';
import { HeatCells } from './heat-cells';
import { HeatmapController } from './heatmap-controller';

type Counts = Map<string, [positions: number, devices: number]>;

const cell = (hex: string) => {
  const c = [0, 0];
  hexToCell(hex, c);
  return c as [number, number];
};

function fullFrame(cells: Counts, id: number): ArrayBuffer {
  const { buffer, frame } = allocateFrame(cells.size);
  let i = 0;
  let maxP = 0;
  let maxD = 0;
  for (const [hex, [p, d]] of cells) {
    [frame.cellHi[i], frame.cellLo[i]] = cell(hex);
    frame.positions[i] = p;
    frame.devices[i++] = d;
    maxP = Math.max(maxP, p);
    maxD = Math.max(maxD, d);
  }
  Object.assign(frame, { resolution: 8, windowEnd: id, windowMs: 60_000, maxPositions: maxP, maxDevices: maxD, id });
  return sealFrame(buffer, frame);
}

/** The delta from `base` to `next` as the engine sends it: vanished cells, then changed and new ones. */
function deltaFrame(base: Counts, next: Counts, baseId: number, id: number): ArrayBuffer {
  const gone = [...base.keys()].filter((hex) => !next.has(hex));
  const changed = [...next].filter(([hex, [p, d]]) => base.get(hex)?.[0] !== p || base.get(hex)?.[1] !== d);
  const full = decodeFrame(fullFrame(next, id));
  const { buffer, frame } = allocateFrame(gone.length + changed.length);
  let k = 0;
  for (const hex of gone) {
    [frame.cellHi[k], frame.cellLo[k]] = cell(hex);
    frame.positions[k++] = VANISHED;
  }
  for (const [hex, [p, d]] of changed) {
    [frame.cellHi[k], frame.cellLo[k]] = cell(hex);
    frame.positions[k] = p;
    frame.devices[k++] = d;
  }
  Object.assign(frame, {
    ...full,
    count: gone.length + changed.length,
    delta: true,
    baseId,
    cells: next.size,
    cellHi: frame.cellHi,
    cellLo: frame.cellLo,
    positions: frame.positions,
    devices: frame.devices,
  });
  return sealFrame(buffer, frame);
}

// 331 neighbouring cells; the next frame: a tenth change, a few vanish (some from the middle), a few new ones appear.
const disk = gridDisk(latLngToCell(40.7589, -73.9851, 8), 10);
const base: Counts = new Map(disk.slice(0, 300).map((hex, i) => [hex, [i + 1, (i % 9) + 1]]));
const next: Counts = new Map(base);
for (const hex of [disk[0]!, disk[57]!, disk[150]!, disk[299]!]) next.delete(hex);
for (let i = 1; i < 300; i += 10) if (next.has(disk[i]!)) next.set(disk[i]!, [500 + i, 3]);
for (const hex of disk.slice(300, 310)) next.set(hex, [7, 2]);

/** Per cell, everything the layer draws for it: counts, centre, colour, height, value. */
function drawn(cells: HeatCells, attrs: HeatAttributes) {
  const out = new Map<string, unknown[]>();
  for (let s = 0; s < cells.count; s++) {
    out.set(cellToHex(cells.cellHi[s]!, cells.cellLo[s]!), [
      cells.positions[s],
      cells.devices[s],
      ...attrs.positions.subarray(2 * s, 2 * s + 2),
      ...attrs.colors.subarray(4 * s, 4 * s + 4),
      attrs.heights[s],
      attrs.values[s],
    ]);
  }
  return out;
}

function applyAll(frames: ArrayBuffer[], metric: HeatmapMetric = 'devices') {
  const cells = new HeatCells();
  const attrs = new HeatAttributes();
  const cache = new CenterCache();
  const lut = colorLut(VIRIDIS);
  for (const buffer of frames) {
    const f: HeatmapFrame = decodeFrame(buffer);
    const changes = f.delta ? cells.applyDelta(f) : cells.setFull(f);
    if (!changes) throw new Error('the delta did not apply');
    attrs.update(cells, changes, metric, lut, cache);
  }
  return { cells, attrs };
}

beforeAll(() => {
  globalThis.requestAnimationFrame ??= () => 0;
});

describe('a delta applied to the cells drawn', () => {
  it('leaves every cell drawn exactly as the full frame draws it: counts, centre, colour, height', () => {
    for (const metric of ['devices', 'positions', 'perDevice'] as const) {
      const viaDelta = applyAll([fullFrame(base, 1), deltaFrame(base, next, 1, 2)], metric);
      const whole = applyAll([fullFrame(next, 2)], metric);
      expect(viaDelta.cells.count).toBe(next.size);
      expect(viaDelta.attrs.max).toBe(whole.attrs.max);
      const text = (m: Map<string, unknown[]>) => [...m].map(([hex, v]) => `${hex} ${v.join()}`).sort();
      expect(text(drawn(viaDelta.cells, viaDelta.attrs))).toEqual(text(drawn(whole.cells, whole.attrs)));
    }
  });

  it('re-uploads the centres of the slots it placed only, and every one after a full frame', () => {
    const { attrs } = applyAll([fullFrame(base, 1)]);
    expect(attrs.takePlaced()).toBeUndefined();
    const cells = new HeatCells();
    cells.setFull(decodeFrame(fullFrame(base, 1)));
    const changes = cells.applyDelta(decodeFrame(deltaFrame(base, next, 1, 2)))!;
    attrs.update(cells, changes, 'devices', colorLut(VIRIDIS), new CenterCache());
    const rows = attrs.takePlaced()!;
    const uploaded = rows.reduce((n, [start, end]) => n + end - start, 0);
    expect(uploaded).toBeGreaterThanOrEqual(10);
    expect(uploaded).toBeLessThan(next.size / 2);
    expect(attrs.takePlaced()).toEqual([]);
  });

  it('is refused, leaving the cells as they were, when it does not follow the frame held or does not add up', () => {
    const cells = new HeatCells();
    cells.setFull(decodeFrame(fullFrame(base, 1)));
    expect(cells.follows(decodeFrame(deltaFrame(base, next, 4, 5)))).toBe(false);
    // A vanished cell it never held: the delta is of some other frame.
    const other = new Map(base);
    other.set(disk[320]!, [1, 1]);
    expect(cells.applyDelta(decodeFrame(deltaFrame(other, next, 1, 2)))).toBeUndefined();
    expect(cells.count).toBe(base.size);
    expect(cells.slotOf(...cell(disk[0]!))).toBeGreaterThanOrEqual(0);
  });
});

describe('the heatmap controller', () => {
  it('draws deltas that follow its frame, and asks once for a full frame when one does not', () => {
    const c = new HeatmapController({ set: () => undefined });
    let asked = 0;
    c.onLostTrack(() => asked++);
    c.apply(fullFrame(base, 1));
    c.apply(deltaFrame(base, next, 1, 2));
    expect(c.stats).toMatchObject({ frames: 2, deltas: 1, cells: next.size });
    expect(c.cellOf(disk[305]!)).toMatchObject({ positions: 7, devices: 2 });
    expect(c.cellOf(disk[57]!)).toBeUndefined();
    // Frame 3 never came: 4's delta does not apply, nor does 5's; one request for a full frame.
    c.apply(deltaFrame(next, base, 3, 4));
    c.apply(deltaFrame(base, next, 4, 5));
    expect(asked).toBe(1);
    expect(c.stats.frames).toBe(2);
    expect(c.drawnCells().cells).toEqual([...next].map(([hex, [p, d]]) => [hex, p, d]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
    c.apply(fullFrame(base, 6));
    c.apply(deltaFrame(base, next, 6, 7));
    expect(c.stats).toMatchObject({ frames: 4, deltas: 2, cells: next.size });
  });
});
