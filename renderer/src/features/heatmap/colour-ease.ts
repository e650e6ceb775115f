import { CellKeyTable } from '../../../../shared/cell-key-table';

/**
 * Colours that ease from one frame to the next, matched by cell (not by position in the frame: cells
 * come and go, and deck.gl's own transitions pair colours by index). A cell that stays eases from the
 * colour it shows now to its new one; a new cell fades in; the ease is smoothstep over `durationMs`.
 */
export class ColourEase {
  private index = new CellKeyTable();
  private spare = new CellKeyTable();
  private from = new Uint8Array(0);
  private to: Uint8Array = new Uint8Array(0);
  private start = 0;
  private count = 0;
  /** The colours to draw now (RGBA per cell, in the last frame's order); a new array after each step, so deck.gl sees the change. */
  shown = new Uint8Array(0);
  private back = new Uint8Array(0);

  constructor(private readonly durationMs = 400) {}

  /** A new frame's cells (`keys`) and their colours; `shown` becomes where the ease starts (or the new colours, when not `animated`). */
  retarget(keys: Float64Array, target: Uint8Array, count: number, now: number, animated = true): void {
    this.step(now);
    const from = new Uint8Array(4 * count);
    const old = this.shown;
    const next = this.spare;
    next.clear();
    for (let i = 0; i < count; i++) {
      const j = this.index.get(keys[i]!);
      if (j >= 0) from.set(old.subarray(4 * j, 4 * j + 4), 4 * i);
      else from.set([target[4 * i]!, target[4 * i + 1]!, target[4 * i + 2]!, 0], 4 * i);
      next.getOrSet(keys[i]!, i);
    }
    this.spare = this.index;
    this.index = next;
    this.from = from;
    this.to = target;
    this.count = count;
    this.start = animated ? now : -Infinity;
    this.shown = animated && this.durationMs > 0 ? from.slice() : target.slice();
    this.back = new Uint8Array(4 * count);
  }

  /** Moves `shown` to `now`; true while the ease is still under way. */
  step(now: number): boolean {
    const t = this.durationMs > 0 ? Math.min(1, Math.max(0, (now - this.start) / this.durationMs)) : 1;
    const e = t * t * (3 - 2 * t);
    const { from, to, back } = this;
    // Uint8Array truncates: +0.5 rounds.
    for (let c = 0; c < 4 * this.count; c++) back[c] = from[c]! + (to[c]! - from[c]!) * e + 0.5;
    this.back = this.shown;
    this.shown = back;
    return t < 1;
  }
}
