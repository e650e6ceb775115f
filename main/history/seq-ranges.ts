/**
 * The JetStream sequences whose effects are committed, as sorted disjoint [first, last] ranges.
 * A single high-water mark would lose messages: after a crash the unacked ones are redelivered only
 * when their ack wait expires, after newer ones have been committed. Ranges make "already committed?"
 * exact whatever the order; they collapse to one range once the gaps fill.
 */
export type Range = [number, number];

export class SeqRanges {
  private ranges: Range[];

  constructor(ranges: readonly Range[] = []) {
    this.ranges = [];
    for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) this.addRange(a, b);
  }

  has(seq: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.ranges[mid];
      if (seq < a) hi = mid - 1;
      else if (seq > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Adds sequences (any order, duplicates allowed). */
  addAll(seqs: readonly number[]): void {
    const sorted = [...seqs].sort((a, b) => a - b);
    let i = 0;
    while (i < sorted.length) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] <= sorted[j] + 1) j++;
      this.addRange(sorted[i], sorted[j]);
      i = j + 1;
    }
  }

  /** The ranges after adding `seqs`, without changing this set (for a commit that may still fail). */
  with(seqs: readonly number[]): SeqRanges {
    const next = new SeqRanges(this.ranges);
    next.addAll(seqs);
    return next;
  }

  toArray(): Range[] {
    return this.ranges.map(([a, b]) => [a, b]);
  }

  /** The last sequence of the first range: everything up to it is committed (0 when empty). */
  get highWater(): number {
    return this.ranges.length ? this.ranges[0][1] : 0;
  }

  get count(): number {
    return this.ranges.reduce((n, [a, b]) => n + (b - a + 1), 0);
  }

  private addRange(a: number, b: number): void {
    const out: Range[] = [];
    let placed = false;
    for (const r of this.ranges) {
      if (r[1] < a - 1) out.push(r);
      else if (r[0] > b + 1) {
        if (!placed) out.push([a, b]);
        placed = true;
        out.push(r);
      } else {
        a = Math.min(a, r[0]);
        b = Math.max(b, r[1]);
      }
    }
    if (!placed) out.push([a, b]);
    this.ranges = out;
  }
}
