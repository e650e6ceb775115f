import { describe, expect, it } from 'vitest';
import { allocateFrame, decodeFrame, sealFrame, VANISHED, type HeatmapFrame } from '../../shared/heatmap-frame';
import { frameDelta } from './frame-delta';
import { FrameStreams } from './frame-streams';

type Cell = [lo: number, positions: number, devices: number];

/** A full frame of resolution-9 cells told apart by their low half. */
function frame(cells: Cell[], id = 0, resolution = 9): HeatmapFrame {
  const { buffer, frame: f } = allocateFrame(cells.length);
  cells.forEach(([lo, p, d], i) => {
    f.cellHi[i] = 0x08928300;
    f.cellLo[i] = lo;
    f.positions[i] = p;
    f.devices[i] = d;
  });
  Object.assign(f, { resolution, windowEnd: 1_000 + id, windowMs: 60_000, maxPositions: Math.max(0, ...cells.map((c) => c[1])), maxDevices: 3, id });
  return decodeFrame(sealFrame(buffer, f));
}

const bufferOf = (f: HeatmapFrame) => f.cellHi.buffer as ArrayBuffer;

/** What a client holds after applying `delta` to `base`: cell → [positions, devices]. */
function applied(base: HeatmapFrame, delta: HeatmapFrame): Map<number, [number, number]> {
  const cells = new Map<number, [number, number]>();
  for (let i = 0; i < base.count; i++) cells.set(base.cellLo[i], [base.positions[i], base.devices[i]]);
  for (let k = 0; k < delta.count; k++) {
    if (delta.positions[k] === VANISHED) cells.delete(delta.cellLo[k]);
    else cells.set(delta.cellLo[k], [delta.positions[k], delta.devices[k]]);
  }
  return cells;
}

const cellsOf = (f: HeatmapFrame) => new Map(Array.from({ length: f.count }, (_, i) => [f.cellLo[i], [f.positions[i], f.devices[i]]]));

describe('frameDelta', () => {
  // 40 cells; the next frame: cell 3 and 4 vanish, 10 changes its positions, 11 its devices, 100 and 101 appear.
  const baseCells: Cell[] = Array.from({ length: 40 }, (_, i) => [i, i + 1, 1]);
  const nextCells: Cell[] = baseCells
    .filter(([lo]) => lo !== 3 && lo !== 4)
    .map(([lo, p, d]): Cell => (lo === 10 ? [lo, 99, d] : lo === 11 ? [lo, p, 2] : [lo, p, d]))
    .concat([
      [100, 5, 1],
      [101, 6, 2],
    ]);
  const base = frame(baseCells, 7);
  const next = frame(nextCells.reverse(), 8); // another order: cells are matched by cell, not by row

  it('holds the vanished cells first, then only the cells that changed or appeared, and gives the next frame applied to its base', () => {
    const delta = decodeFrame(frameDelta(base, next)!);
    expect(delta).toMatchObject({ delta: true, id: 8, baseId: 7, cells: next.count, count: 6, windowEnd: next.windowEnd, maxPositions: 99 });
    expect([...delta.cellLo.subarray(0, 2)]).toEqual([3, 4]);
    expect([...delta.positions.subarray(0, 2)]).toEqual([VANISHED, VANISHED]);
    expect(new Set(delta.cellLo.subarray(2))).toEqual(new Set([10, 11, 100, 101]));
    expect(applied(base, delta)).toEqual(cellsOf(next));
  });

  it('says a vanished cell even when nothing else changed, and nothing at all when nothing did', () => {
    const gone = decodeFrame(frameDelta(base, frame(baseCells.slice(1), 8))!);
    expect([...gone.cellLo]).toEqual([0]);
    expect(gone.positions[0]).toBe(VANISHED);
    expect(gone.cells).toBe(39);
    const same = decodeFrame(frameDelta(base, frame(baseCells, 8))!);
    expect(same).toMatchObject({ count: 0, cells: 40, delta: true });
  });

  it('gives nothing (the full frame goes) when the delta would not be smaller, or the frames are of other cell sizes', () => {
    expect(
      frameDelta(
        base,
        frame(
          baseCells.map(([lo, p, d]): Cell => [lo, p + 1, d]),
          8,
        ),
      ),
    ).toBeUndefined();
    expect(frameDelta(base, frame(baseCells, 8, 8))).toBeUndefined();
  });
});

describe('FrameStreams', () => {
  const cells: Cell[] = Array.from({ length: 50 }, (_, i) => [i, 1, 1]);
  const moved = (n: number): Cell[] => cells.map(([lo, p, d], i): Cell => (i < n ? [lo, p + 1, d] : [lo, p, d]));

  it('sends a client that holds the view’s last frame a delta, and a whole frame to one holding anything else', () => {
    const streams = new FrameStreams(10_000);
    const first = streams.next('v', bufferOf(frame(cells)));
    expect(first.delta).toBeUndefined();
    const a = streams.choose(first, undefined, 0); // a new view: whole
    expect(decodeFrame(a.buffer)).toMatchObject({ delta: false, id: first.id, cells: 50 });

    const second = streams.next('v', bufferOf(frame(moved(5))));
    const b = streams.choose(second, a.held, 500);
    expect(decodeFrame(b.buffer)).toMatchObject({ delta: true, baseId: first.id, id: second.id, count: 5 });
    // Another client that missed the first frame (its base is not the one this delta follows): whole.
    const stale = streams.choose(second, { view: 'v', id: first.id - 1, fullAt: 0 }, 500);
    expect(decodeFrame(stale.buffer)).toMatchObject({ delta: false, id: second.id });
    // One that holds the same frame number of another view: whole.
    expect(decodeFrame(streams.choose(second, { ...a.held, view: 'w' }, 500).buffer).delta).toBe(false);

    const third = streams.next('v', bufferOf(frame(moved(6))));
    expect(decodeFrame(streams.choose(third, b.held, 1_000).buffer)).toMatchObject({ delta: true, baseId: second.id, count: 1 });
  });

  it('sends the whole frame again every so often, and when it is smaller than the delta', () => {
    const streams = new FrameStreams(10_000);
    let held = streams.choose(streams.next('v', bufferOf(frame(cells))), undefined, 0).held;
    const late = streams.next('v', bufferOf(frame(moved(1))));
    expect(decodeFrame(streams.choose(late, held, 10_000).buffer).delta).toBe(false);
    held = streams.choose(late, held, 10_000).held;
    const everything = streams.next('v', bufferOf(frame(cells.map(([lo, p, d]): Cell => [lo, p + 5, d]))));
    expect(decodeFrame(streams.choose(everything, held, 10_500).buffer).delta).toBe(false);
  });

  it('forgets a view nobody looks at: its next frame has no delta', () => {
    const streams = new FrameStreams();
    streams.next('v', bufferOf(frame(cells)));
    streams.keepOnly(new Set(['w']));
    expect(streams.next('v', bufferOf(frame(cells))).delta).toBeUndefined();
  });
});
