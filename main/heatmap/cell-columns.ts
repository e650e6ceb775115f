/**
 * The live window's kept cells as columns of typed arrays, a cell being a slot number: a fix touches a few
 * numbers in arrays rather than an object and its counter array apiece, and a frame walks the columns in
 * order. A slot let go is reused by the next new cell.
 */
export class CellColumns {
  /** Each cell's key (a freed slot's is NaN), one of its fixes, and its latest fix's time. */
  keys: Float64Array;
  lat: Float64Array;
  lon: Float64Array;
  seen: Float64Array;
  /** Fixes per time bucket: slot s's bucket b is counts[s * buckets + b]. */
  counts: Uint32Array;
  /** The frame being built, and the cell's row in it (-1: outside the view). */
  frameIds: Int32Array;
  rows: Int32Array;
  /** Every slot ever used is below this. */
  end = 0;
  private readonly index = new Map<number, number>();
  private readonly free: number[] = [];

  constructor(
    readonly buckets: number,
    capacity = 1024,
  ) {
    this.keys = new Float64Array(capacity);
    this.lat = new Float64Array(capacity);
    this.lon = new Float64Array(capacity);
    this.seen = new Float64Array(capacity);
    this.counts = new Uint32Array(capacity * buckets);
    this.frameIds = new Int32Array(capacity);
    this.rows = new Int32Array(capacity);
  }

  /** Cells kept. */
  get size(): number {
    return this.index.size;
  }

  slotOf(key: number): number | undefined {
    return this.index.get(key);
  }

  /** Whether a slot below `end` holds a cell. */
  used(slot: number): boolean {
    return this.keys[slot] === this.keys[slot];
  }

  /** A new cell's slot, its counts at zero. */
  open(key: number, lat: number, lon: number, seen: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.end === this.keys.length) this.grow();
      slot = this.end++;
    }
    this.keys[slot] = key;
    this.lat[slot] = lat;
    this.lon[slot] = lon;
    this.seen[slot] = seen;
    this.counts.fill(0, slot * this.buckets, (slot + 1) * this.buckets);
    this.frameIds[slot] = -1;
    this.rows[slot] = -1;
    this.index.set(key, slot);
    return slot;
  }

  close(slot: number): void {
    this.index.delete(this.keys[slot]);
    this.keys[slot] = NaN;
    this.free.push(slot);
  }

  /** A bucket starting over: every cell's count in it back to zero. */
  clearBucket(bucket: number): void {
    const { counts, buckets } = this;
    for (let i = bucket, end = this.end * buckets; i < end; i += buckets) counts[i] = 0;
  }

  private grow(): void {
    const n = this.keys.length * 2;
    this.keys = grown(this.keys, n);
    this.lat = grown(this.lat, n);
    this.lon = grown(this.lon, n);
    this.seen = grown(this.seen, n);
    this.counts = grown(this.counts, n * this.buckets);
    this.frameIds = grown(this.frameIds, n);
    this.rows = grown(this.rows, n);
  }
}

/** A typed array `length` long holding `a`'s values first. */
export function grown<T extends Float64Array | Uint32Array | Int32Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}
