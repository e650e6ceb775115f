import { describe, expect, it } from 'vitest';
import { ColourEase } from './colour-ease';

const rgba = (...cells: number[][]) => Uint8Array.from(cells.flat());
/** Where each cell was shown before (-1: new). */
const origin = (...slots: number[]) => Int32Array.from(slots);

describe('ColourEase', () => {
  it('eases a cell that stays from the colour it shows to its new one, matched by cell whatever its place in the frame', () => {
    const ease = new ColourEase(400);
    ease.retarget(origin(-1, -1), rgba([0, 0, 0, 255], [200, 0, 0, 255]), 2, 0);
    expect(ease.step(400)).toBe(false);
    expect([...ease.shown]).toEqual([0, 0, 0, 255, 200, 0, 0, 255]);
    // Cell 20 moves to the front and turns blue; cell 10 leaves; cell 30 arrives.
    ease.retarget(origin(1, -1), rgba([0, 0, 200, 255], [0, 100, 0, 255]), 2, 1000);
    expect([...ease.shown]).toEqual([200, 0, 0, 255, 0, 100, 0, 0]);
    expect(ease.step(1200)).toBe(true);
    expect([...ease.shown]).toEqual([100, 0, 100, 255, 0, 100, 0, 128]);
    expect(ease.step(1400)).toBe(false);
    expect([...ease.shown]).toEqual([0, 0, 200, 255, 0, 100, 0, 255]);
  });

  it('starts a new ease from wherever the last one had got to', () => {
    const ease = new ColourEase(400);
    ease.retarget(origin(-1), rgba([0, 0, 0, 255]), 1, 0);
    ease.step(400);
    ease.retarget(origin(0), rgba([200, 0, 0, 255]), 1, 1000);
    ease.retarget(origin(0), rgba([0, 0, 0, 255]), 1, 1200);
    expect([...ease.shown]).toEqual([100, 0, 0, 255]);
  });

  it('shows the new colours at once when easing is off (reduced motion) or the frame is not animated', () => {
    const off = new ColourEase(0);
    off.retarget(origin(-1), rgba([0, 0, 0, 255]), 1, 0);
    off.retarget(origin(0), rgba([200, 0, 0, 255]), 1, 10);
    expect([...off.shown]).toEqual([200, 0, 0, 255]);
    expect(off.step(10)).toBe(false);
    const on = new ColourEase(400);
    on.retarget(origin(-1), rgba([0, 0, 0, 255]), 1, 0, false);
    expect([...on.shown]).toEqual([0, 0, 0, 255]);
    on.retarget(origin(0), rgba([200, 0, 0, 255]), 1, 10, false);
    expect([...on.shown]).toEqual([200, 0, 0, 255]);
    expect(on.step(10)).toBe(false);
  });
});
