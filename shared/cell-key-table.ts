const EMPTY = -1;

/**
 * Cell keys (shared/h3-cell cellKey: integers below 2^53) to small integers, in open addressing over
 * typed arrays. A Map with such keys boxes every double and costs ~1 µs an operation; this costs tens of ns,
 * which is what lets a frame's smoothing touch millions of ring cells.
 */
export class CellKeyTable {
  private keys: Float64Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 1024) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
  }

  /** The value for `key`, or -1. */
  get(key: number): number {
    const { keys, values, mask } = this;
    for (let i = slot(key) & mask; ; i = (i + 1) & mask) {
      const v = values[i];
      if (v === EMPTY || keys[i] === key) return v;
    }
  }

  /** The value for `key`, stored as `value` first if the key is new. Values must be ≥ 0. */
  getOrSet(key: number, value: number): number {
    if (this.size * 2 >= this.values.length) this.grow();
    const { keys, values, mask } = this;
    for (let i = slot(key) & mask; ; i = (i + 1) & mask) {
      const v = values[i];
      if (v === EMPTY) {
        keys[i] = key;
        values[i] = value;
        this.size++;
        return value;
      }
      if (keys[i] === key) return v;
    }
  }

  /** Stores `value` (≥ 0) for `key`, new or not. */
  set(key: number, value: number): void {
    if (this.size * 2 >= this.values.length) this.grow();
    const { keys, values, mask } = this;
    for (let i = slot(key) & mask; ; i = (i + 1) & mask) {
      if (values[i] === EMPTY) {
        keys[i] = key;
        this.size++;
      } else if (keys[i] !== key) continue;
      values[i] = value;
      return;
    }
  }

  /** Removes `key`; false when it was not there. Later keys of its run move back, so lookups still stop at the first gap. */
  delete(key: number): boolean {
    const { keys, values, mask } = this;
    let i = slot(key) & mask;
    for (; ; i = (i + 1) & mask) {
      if (values[i] === EMPTY) return false;
      if (keys[i] === key) break;
    }
    values[i] = EMPTY;
    this.size--;
    for (let j = (i + 1) & mask; values[j] !== EMPTY; j = (j + 1) & mask) {
      const home = slot(keys[j]) & mask;
      // Entry j stays when its home lies cyclically in (i, j]: the gap at i is not on its probe path.
      if (i <= j ? i < home && home <= j : i < home || home <= j) continue;
      keys[i] = keys[j];
      values[i] = values[j];
      values[j] = EMPTY;
      i = j;
    }
    return true;
  }

  clear(): void {
    this.values.fill(EMPTY);
    this.size = 0;
  }

  private grow(): void {
    const { keys, values } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.values = new Int32Array(keys.length * 2).fill(EMPTY);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (values[i] !== EMPTY) this.getOrSet(keys[i], values[i]);
  }
}

/** Mixes both 32-bit halves of the key (neighbouring cells differ only in their low digits). */
function slot(key: number): number {
  let h = Math.imul((key >>> 0) ^ Math.imul((key / 4294967296) | 0, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 16);
}
