// The window's size, position and maximised state, remembered across launches and put back on a display
// that is still there (a monitor unplugged, a resolution lowered).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { WindowPlacement } from './window-options';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SavedWindow extends Rect {
  maximized: boolean;
}

const overlap = (a: Rect, b: Rect) =>
  Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), Math.max(lo, hi));

/**
 * Where the window opens, given the displays' work areas (the primary first). A remembered window goes
 * back on the display it mostly covered, shrunk to fit that display and moved wholly onto it; one whose
 * display is gone opens centred on the primary. Without a remembered one it opens at `preferred`'s size,
 * centred by Electron.
 */
export function placeWindow(
  saved: SavedWindow | undefined,
  workAreas: readonly Rect[],
  preferred: { width: number; height: number },
): { placement: WindowPlacement; maximized: boolean } {
  const primary = workAreas[0];
  if (!primary) return { placement: { ...preferred }, maximized: saved?.maximized ?? false };
  if (!saved) return { placement: { width: Math.min(preferred.width, primary.width), height: Math.min(preferred.height, primary.height) }, maximized: false };
  const best = workAreas.reduce((a, b) => (overlap(saved, b) > overlap(saved, a) ? b : a));
  const onScreen = overlap(saved, best) > 0;
  const area = onScreen ? best : primary;
  const width = Math.min(saved.width, area.width);
  const height = Math.min(saved.height, area.height);
  const x = onScreen ? clamp(saved.x, area.x, area.x + area.width - width) : area.x + Math.round((area.width - width) / 2);
  const y = onScreen ? clamp(saved.y, area.y, area.y + area.height - height) : area.y + Math.round((area.height - height) / 2);
  return { placement: { x, y, width, height }, maximized: saved.maximized };
}

/** The remembered window, or undefined when there is none or the file is not one (it is then ignored, and replaced on close). */
export function loadWindowState(path: string): SavedWindow | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as Partial<SavedWindow>;
    const finite = [v.x, v.y, v.width, v.height].every((n) => typeof n === 'number' && Number.isFinite(n));
    if (!finite || v.width! <= 0 || v.height! <= 0 || typeof v.maximized !== 'boolean') return undefined;
    return { x: v.x!, y: v.y!, width: v.width!, height: v.height!, maximized: v.maximized };
  } catch {
    return undefined;
  }
}

/** Written whole or not at all: a crash while saving leaves the last one. */
export function saveWindowState(path: string, state: SavedWindow): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state)}\n`);
  renameSync(tmp, path);
}
