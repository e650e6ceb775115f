import { CellKeyTable } from '../../../../shared/cell-key-table';
import { cellKey } from '../../../../shared/h3-cell';
import { VANISHED, type HeatmapFrame } from '../../../../shared/heatmap-frame';

/** What an apply did to the slots, for the attributes and the colour ease to follow. */
export interface SlotChanges {
  /** Every slot is new (a full frame). */
  all: boolean;
  /** Slots that hold another cell than before (a cell appeared, or moved in to fill a gap), `placedCount` of them. */
  placed: Int32Array;
  placedCount: number;
  /** Slots whose cell stayed but whose counts changed, `changedCount` of them. */
  changed: Int32Array;
  changedCount: number;
  /** Per slot, the slot its cell was in before the apply (-1: it was not drawn). */
  origin: Int32Array;
}

/**
 * The cells drawn now, one slot each and kept dense (a vanished cell's slot is filled by the last one),
 * so a delta touches only the slots it names and deck.gl re-uploads only those (hex-heat-layer.ts).
 * The header fields are the last frame applied's.
 */
export class HeatCells {
  id = 0;
  resolution = 0;
  layer = 0;
  windowEnd = 0;
  windowMs = 0;
  maxPositions = 0;
  maxDevices = 0;
  count = 0;
  cellHi = new Uint32Array(0);
  cellLo = new Uint32Array(0);
  positions = new Uint32Array(0);
  devices = new Uint32Array(0);
  private index = new CellKeyTable();
  private spare = new CellKeyTable();
  private readonly changes: SlotChanges = {
    all: true,
    placed: new Int32Array(0),
    placedCount: 0,
    changed: new Int32Array(0),
    changedCount: 0,
    origin: new Int32Array(0),
  };

  /** The slot of cell (hi, lo), or -1. */
  slotOf(hi: number, lo: number): number {
    const s = this.index.get(cellKey(hi, lo));
    // A key is exact within one resolution only.
    return s >= 0 && this.cellHi[s] === hi && this.cellLo[s] === lo ? s : -1;
  }

  /** Whether `delta` applies to the cells held: it follows the frame drawn, at its resolution and layer. */
  follows(delta: HeatmapFrame): boolean {
    return this.id !== 0 && delta.baseId === this.id && delta.resolution === this.resolution && delta.layer === this.layer;
  }

  /** Takes every cell of a full frame, in its order; `origin` says where each was drawn before. */
  setFull(frame: HeatmapFrame): SlotChanges {
    const n = frame.count;
    this.reserve(n);
    const changes = this.reserveChanges(n);
    const next = this.spare;
    next.clear();
    const sameGrid = frame.resolution === this.resolution;
    for (let i = 0; i < n; i++) {
      const key = cellKey(frame.cellHi[i], frame.cellLo[i]);
      changes.origin[i] = sameGrid ? this.index.get(key) : -1;
      next.set(key, i);
    }
    this.spare = this.index;
    this.index = next;
    this.cellHi.set(frame.cellHi);
    this.cellLo.set(frame.cellLo);
    this.positions.set(frame.positions);
    this.devices.set(frame.devices);
    this.count = n;
    changes.all = true;
    changes.placedCount = 0;
    changes.changedCount = 0;
    this.header(frame);
    return changes;
  }

  /**
   * Applies a delta that `follows` the cells held: vanished cells leave (the last slot fills the gap),
   * changed ones are rewritten in place, new ones take the next slots. Undefined, and nothing touched,
   * when the delta does not add up to the frame it says it makes (a vanished cell not held, another total).
   */
  applyDelta(delta: HeatmapFrame): SlotChanges | undefined {
    const n = delta.count;
    let vanished = 0;
    let appended = 0;
    for (let k = 0; k < n; k++) {
      const held = this.slotOf(delta.cellHi[k], delta.cellLo[k]) >= 0;
      if (delta.positions[k] === VANISHED) {
        if (!held) return undefined;
        vanished++;
      } else if (!held) appended++;
    }
    if (this.count - vanished + appended !== delta.cells) return undefined;

    this.reserve(Math.max(this.count, delta.cells));
    const changes = this.reserveChanges(Math.max(this.count, delta.cells), n);
    const { origin, placed, changed } = changes;
    for (let s = 0; s < this.count; s++) origin[s] = s;
    let placedCount = 0;
    let changedCount = 0;
    for (let k = 0; k < n; k++) {
      const hi = delta.cellHi[k];
      const lo = delta.cellLo[k];
      const p = delta.positions[k];
      if (p === VANISHED) {
        const s = this.slotOf(hi, lo);
        const last = --this.count;
        this.index.delete(cellKey(hi, lo));
        if (s === last) continue;
        this.cellHi[s] = this.cellHi[last];
        this.cellLo[s] = this.cellLo[last];
        this.positions[s] = this.positions[last];
        this.devices[s] = this.devices[last];
        origin[s] = origin[last];
        this.index.set(cellKey(this.cellHi[s], this.cellLo[s]), s);
        placed[placedCount++] = s;
        continue;
      }
      let s = this.slotOf(hi, lo);
      if (s < 0) {
        s = this.count++;
        this.cellHi[s] = hi;
        this.cellLo[s] = lo;
        origin[s] = -1;
        this.index.set(cellKey(hi, lo), s);
        placed[placedCount++] = s;
      } else changed[changedCount++] = s;
      this.positions[s] = p;
      this.devices[s] = delta.devices[k];
    }
    changes.all = false;
    changes.placedCount = placedCount;
    changes.changedCount = changedCount;
    this.header(delta);
    return changes;
  }

  /** Every slot as it is, to be drawn again (another metric, scale or colours). */
  everySlot(): SlotChanges {
    const changes = this.reserveChanges(this.count);
    for (let s = 0; s < this.count; s++) changes.origin[s] = s;
    changes.all = true;
    changes.placedCount = 0;
    changes.changedCount = 0;
    return changes;
  }

  /** Forgets every cell (nothing drawn; the next delta does not apply). */
  clear(): void {
    this.count = 0;
    this.id = 0;
    this.index.clear();
  }

  private header(frame: HeatmapFrame): void {
    this.id = frame.id;
    this.resolution = frame.resolution;
    this.layer = frame.layer;
    this.windowEnd = frame.windowEnd;
    this.windowMs = frame.windowMs;
    this.maxPositions = frame.maxPositions;
    this.maxDevices = frame.maxDevices;
  }

  private reserve(n: number): void {
    if (n <= this.cellHi.length) return;
    const grow = (a: Uint32Array) => {
      const b = new Uint32Array(Math.max(n, a.length * 2));
      b.set(a.subarray(0, this.count));
      return b;
    };
    this.cellHi = grow(this.cellHi);
    this.cellLo = grow(this.cellLo);
    this.positions = grow(this.positions);
    this.devices = grow(this.devices);
  }

  private reserveChanges(slots: number, entries = 0): SlotChanges {
    const c = this.changes;
    if (c.origin.length < slots) c.origin = new Int32Array(Math.max(slots, c.origin.length * 2));
    if (c.placed.length < entries) c.placed = new Int32Array(Math.max(entries, c.placed.length * 2));
    if (c.changed.length < entries) c.changed = new Int32Array(Math.max(entries, c.changed.length * 2));
    return c;
  }
}
