/**
 * Colours that ease from one frame to the next, matched by cell (not by position in the frame: cells
 * come and go, and deck.gl's own transitions pair colours by index). A cell that stays eases from the
 * colour it shows now to its new one; a new cell fades in; the ease is smoothstep over `durationMs`.
 */
export class ColourEase {
  private from = new Uint8Array(0);
  private to = new Uint8Array(0);
  private start = 0;
  private count = 0;
  /** The colours to draw now (RGBA per cell, slot for slot with the cells drawn); a new array after each step, so deck.gl sees the change. */
  shown = new Uint8Array(0);
  private back = new Uint8Array(0);

  constructor(private readonly durationMs = 400) {}

  /**
   * New colours (`target`, RGBA for `count` cells); `origin[i]` is the slot cell i was shown in before
   * (-1: it is new). `shown` becomes where the ease starts, or the new colours when not `animated`.
   */
  retarget(origin: Int32Array, target: Uint8Array, count: number, now: number, animated = true): void {
    this.step(now);
    const to = target.slice(0, 4 * count); // the caller updates its colours in place
    this.to = to;
    this.count = count;
    this.back = new Uint8Array(4 * count);
    if (!animated || this.durationMs <= 0) {
      this.from = to;
      this.start = -Infinity;
      this.shown = to.slice();
      return;
    }
    const from = new Uint8Array(4 * count);
    const old = this.shown;
    for (let i = 0; i < count; i++) {
      const j = origin[i]!;
      if (j >= 0 && 4 * j + 4 <= old.length) from.set(old.subarray(4 * j, 4 * j + 4), 4 * i);
      else from.set([to[4 * i]!, to[4 * i + 1]!, to[4 * i + 2]!, 0], 4 * i);
    }
    this.from = from;
    this.start = now;
    this.shown = from.slice();
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
