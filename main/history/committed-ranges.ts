/**
 * The stream sequences whose effects are committed, as sorted disjoint inclusive ranges. Ingest keeps
 * ranges rather than one mark because redeliveries can commit out of order (see main/ingest/seq-ranges);
 * the high-water mark is the end of the first range.
 */
export type SeqRange = readonly [first: number, last: number];

/** Sorted, disjoint, with touching or overlapping ranges joined. */
export function mergeRanges(ranges: readonly SeqRange[]): [number, number][] {
  const sorted = ranges.filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** The highest sequence such that it and everything committed before it is contiguous from the first range (0 when none). */
export function highWaterOf(ranges: readonly SeqRange[]): bigint {
  const merged = mergeRanges(ranges);
  return merged.length ? BigInt(merged[0][1]) : 0n;
}

/** The ranges after a batch that reports only a high-water mark: everything from 1 to it is committed. */
export function withHighWater(ranges: readonly SeqRange[], highWater: bigint): [number, number][] {
  if (highWater <= 0n) return mergeRanges(ranges);
  return mergeRanges([...ranges, [1, toSeq(highWater)]]);
}

/** A JetStream sequence as a JS number; they are uint64 on the wire but stay far below 2^53 in practice. */
export function toSeq(seq: bigint): number {
  if (seq < 0n || seq > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`stream sequence ${seq} is out of range`);
  return Number(seq);
}
