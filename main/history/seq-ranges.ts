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
    this.ranges = merged([...ranges].sort((x, y) => x[0] - y[0]));
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
  addAll(seqs: ArrayLike<number>): void {
    // A batch's sequences nearly always come in order: sorting a copy of thousands of them was most of a commit's bookkeeping.
    const sorted = ascending(seqs) ? seqs : Array.from(seqs).sort((a, b) => a - b);
    const runs: Range[] = [];
    for (let i = 0; i < sorted.length;) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] <= sorted[j] + 1) j++;
      runs.push([sorted[i], sorted[j]]);
      i = j + 1;
    }
    this.addRanges(runs);
  }

  /** Adds every sequence up to `last` (those below a fleet's ack floor: never delivered again). */
  addThrough(last: number): void {
    if (last >= 1) this.addRanges([[1, last]]);
  }

  /** The ranges after adding `seqs`, without changing this set (for a commit that may still fail). */
  with(seqs: readonly number[], through = 0): SeqRanges {
    const next = new SeqRanges();
    next.ranges = this.ranges;
    next.addAll(seqs);
    next.addThrough(through);
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

  /** How many sequences it holds after `after`, up to `through`. */
  countIn(after: number, through: number): number {
    let n = 0;
    for (const [a, b] of this.ranges) n += Math.max(0, Math.min(b, through) - Math.max(a, after + 1) + 1);
    return n;
  }

  /** The sequences after `floor` only. */
  above(floor: number): SeqRanges {
    const next = new SeqRanges();
    next.ranges = this.ranges.filter(([, b]) => b > floor).map(([a, b]) => [Math.max(a, floor + 1), b]);
    return next;
  }

  /** Merges sorted ranges in, in one pass over both (a partitioned engine's set has many: a quadratic merge stalled ingest). */
  private addRanges(sorted: readonly Range[]): void {
    if (sorted.length === 0) return;
    const all: Range[] = [];
    let i = 0;
    let j = 0;
    while (i < this.ranges.length || j < sorted.length) {
      if (j >= sorted.length || (i < this.ranges.length && this.ranges[i][0] <= sorted[j][0])) all.push(this.ranges[i++]);
      else all.push(sorted[j++]);
    }
    this.ranges = merged(all);
  }
}

function ascending(seqs: ArrayLike<number>): boolean {
  for (let i = 1; i < seqs.length; i++) if (seqs[i] < seqs[i - 1]) return false;
  return true;
}

/** Sorted ranges with overlapping and adjacent ones joined (new arrays: the input is left alone). */
function merged(sorted: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
