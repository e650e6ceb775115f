import { gridDisk } from 'h3-js';
import { cellKey, cellToHex, hexToCell, keyToCell } from '../../shared/h3-cell';
import { CellKeyTable } from '../../shared/cell-key-table';

/** Cells known at most (rings plus their members; a bounded cache starts over rather than grow without end). */
const MAX_SLOTS = 2_000_000;

/**
 * Each cell's k-ring, asked of h3-js once per cell and kept. Every cell that is in some ring gets a
 * slot number for good, and rings are kept as slot numbers, so a frame's smoothing is array indexing
 * into slot-sized sums (which fit in cache) instead of hashing millions of ring members. Consecutive
 * frames share nearly all their cells, so the hashing happens once. Holds one (resolution, k) at a
 * time — the one on screen.
 */
export class RingCache {
  private readonly ringOf = new CellKeyTable(1 << 16);
  private readonly slotOf = new CellKeyTable(1 << 16);
  private members = new Int32Array(0);
  private lengths = new Uint8Array(0);
  private rings = 0;
  private res = -1;
  private k = -1;
  /** Ring members per ring: 3k(k+1)+1 (fewer next to a pentagon). */
  private stride = 0;
  /** The cell key of every slot. */
  slotKeys = new Float64Array(0);
  slots = 0;
  private lastKeys = new Float64Array(0);
  private lastRings = new Int32Array(0);

  /** Points the cache at (res, k), emptying it when either changed or it grew too big. */
  use(res: number, k: number): void {
    if (res === this.res && k === this.k && this.slots < MAX_SLOTS) return;
    this.res = res;
    this.k = k;
    this.stride = 3 * k * (k + 1) + 1;
    this.ringOf.clear();
    this.slotOf.clear();
    this.rings = 0;
    this.slots = 0;
    this.lastKeys = new Float64Array(0);
  }

  /** The ring number of `key`, asking h3-js the first time. */
  private ring(key: number): number {
    let n = this.ringOf.get(key);
    if (n < 0) {
      n = this.ringOf.getOrSet(key, this.rings++);
      this.fill(key, n);
    }
    return n;
  }

  /**
   * Adds each ring's (positions, devices) to every slot of that ring, into sums (two per slot);
   * writes the slots touched, in order, and returns how many. A slot's positions sum above zero
   * is what marks it as touched, so rings without positions are skipped.
   */
  scatter(ringNumbers: Int32Array, count: number, p: Uint32Array, d: Uint32Array, sums: Uint32Array, order: Int32Array): number {
    const { members, lengths, stride } = this;
    let n = 0;
    for (let i = 0; i < count; i++) {
      const ring = ringNumbers[i];
      const start = ring * stride;
      const end = start + lengths[ring];
      const pi = p[i];
      const di = d[i];
      if (pi === 0) continue; // no data: and a zero would not mark its slots as touched
      for (let j = start; j < end; j++) {
        const at = members[j] << 1;
        if (sums[at] === 0) order[n++] = at;
        sums[at] += pi;
        sums[at + 1] += di;
      }
    }
    return n;
  }

  /** The ring number of every key, reusing the last call's answer where the key sits at the same index. */
  ringsOf(keys: Float64Array, count: number): Int32Array {
    const out = new Int32Array(count);
    const { lastKeys, lastRings } = this;
    const same = Math.min(count, lastKeys.length);
    for (let i = 0; i < count; i++) out[i] = i < same && lastKeys[i] === keys[i] ? lastRings[i] : this.ring(keys[i]);
    this.lastKeys = keys.slice(0, count);
    this.lastRings = out;
    return out;
  }

  private fill(key: number, n: number): void {
    if ((n + 1) * this.stride > this.members.length) {
      const rings = Math.max(1024, n * 2);
      this.members = grown(this.members, rings * this.stride);
      this.lengths = grown(this.lengths, rings);
    }
    const cell = [0, 0];
    keyToCell(key, this.res, cell);
    const hexes = gridDisk(cellToHex(cell[0], cell[1]), this.k);
    const at = n * this.stride;
    for (let i = 0; i < hexes.length; i++) {
      hexToCell(hexes[i], cell);
      const member = cellKey(cell[0], cell[1]);
      const slot = this.slotOf.getOrSet(member, this.slots);
      if (slot === this.slots) {
        if (slot === this.slotKeys.length) this.slotKeys = grown(this.slotKeys, Math.max(4096, slot * 2));
        this.slotKeys[this.slots++] = member;
      }
      this.members[at + i] = slot;
    }
    this.lengths[n] = hexes.length;
  }
}

export interface Cells {
  keys: Float64Array;
  positions: Uint32Array;
  devices: Uint32Array;
  count: number;
}

/**
 * k-ring smoothing: every cell within k rings of the data gets the total of its own k-ring (so a lone
 * busy cell spreads over its neighbourhood, and gaps between busy cells fill). Scattered from each
 * cell with data to the cells of its ring, which is the same as gathering, since ring membership is mutual.
 */
export function smoothCells(cells: Cells, res: number, k: number, rings: RingCache): Cells {
  if (k <= 0 || cells.count === 0) return cells;
  rings.use(res, k);
  const ringNumbers = rings.ringsOf(cells.keys, cells.count);
  const sums = new Uint32Array(rings.slots * 2);
  const order = new Int32Array(rings.slots);
  const count = rings.scatter(ringNumbers, cells.count, cells.positions, cells.devices, sums, order);
  const keys = new Float64Array(count);
  const positions = new Uint32Array(count);
  const devices = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const at = order[i];
    keys[i] = rings.slotKeys[at >> 1];
    positions[i] = sums[at];
    devices[i] = sums[at + 1];
  }
  return { keys, positions, devices, count };
}

function grown<T extends Float64Array | Int32Array | Uint8Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
