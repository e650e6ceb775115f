import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWindowState, placeWindow, saveWindowState } from './window-state';

// A laptop (the primary, its work area under a 25 px menu bar) and an external monitor to its right.
const laptop = { x: 0, y: 25, width: 1440, height: 875 };
const monitor = { x: 1440, y: 0, width: 2560, height: 1400 };
const preferred = { width: 1400, height: 900 };

describe('placeWindow', () => {
  it('opens a first window at the preferred size, shrunk to the primary display, centred by Electron', () => {
    expect(placeWindow(undefined, [laptop, monitor], preferred)).toEqual({ placement: { width: 1400, height: 875 }, maximized: false });
  });

  it('puts a remembered window back where it was, maximised or not', () => {
    const saved = { x: 1600, y: 100, width: 1800, height: 1000, maximized: true };
    expect(placeWindow(saved, [laptop, monitor], preferred)).toEqual({ placement: { x: 1600, y: 100, width: 1800, height: 1000 }, maximized: true });
  });

  it('centres a window whose monitor is gone on the primary display, shrunk to fit it', () => {
    const saved = { x: 1600, y: 100, width: 1800, height: 1000, maximized: false };
    expect(placeWindow(saved, [laptop], preferred)).toEqual({ placement: { x: 0, y: 25, width: 1440, height: 875 }, maximized: false });
    const small = { x: 3000, y: 500, width: 800, height: 600, maximized: false };
    expect(placeWindow(small, [laptop], preferred).placement).toEqual({ x: 320, y: 163, width: 800, height: 600 });
  });

  it('moves a window half off the screen wholly onto the display it mostly covered', () => {
    const offRight = { x: 3600, y: 1000, width: 1000, height: 800, maximized: false };
    expect(placeWindow(offRight, [laptop, monitor], preferred).placement).toEqual({ x: 3000, y: 600, width: 1000, height: 800 });
    const aboveTop = { x: -300, y: -200, width: 900, height: 600, maximized: false };
    expect(placeWindow(aboveTop, [laptop, monitor], preferred).placement).toEqual({ x: 0, y: 25, width: 900, height: 600 });
  });

  it('shrinks a window larger than its display (a lower resolution now)', () => {
    const huge = { x: 1440, y: 0, width: 5000, height: 3000, maximized: false };
    expect(placeWindow(huge, [laptop, monitor], preferred).placement).toEqual({ x: 1440, y: 0, width: 2560, height: 1400 });
  });
});

describe('loadWindowState / saveWindowState', () => {
  it('keeps what was saved, and ignores a file that is missing or not a window', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexwatch-window-'));
    try {
      const path = join(dir, 'window-state.json');
      expect(loadWindowState(path)).toBeUndefined();
      saveWindowState(path, { x: 10, y: 20, width: 1200, height: 800, maximized: true });
      expect(loadWindowState(path)).toEqual({ x: 10, y: 20, width: 1200, height: 800, maximized: true });
      for (const bad of ['{', '{"x":1,"y":2,"width":0,"height":5,"maximized":false}', '{"x":"1","y":2,"width":3,"height":5,"maximized":false}', 'null']) {
        writeFileSync(path, bad);
        expect(loadWindowState(path)).toBeUndefined();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
