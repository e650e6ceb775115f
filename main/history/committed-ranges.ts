/**
 * The stream sequences whose effects are committed, as sorted disjoint inclusive ranges. Ingest keeps
 * ranges rather than one mark because redeliveries can commit out of order (see seq-ranges.ts);
 * the high-water mark is the end of the first range.
 */
import { SeqRanges } from './seq-ranges';

export type SeqRange = readonly [first: number, last: number];

/** Sorted, disjoint, with touching or overlapping ranges joined. */
export function mergeRanges(ranges: readonly SeqRange[]): [number, number][] {
  return new SeqRanges(ranges.filter(([a, b]) => a <= b) as [number, number][]).toArray();
}

/** The highest sequence such that it and everything committed before it is contiguous from the first range (0 when none). */
export function highWaterOf(ranges: readonly SeqRange[]): bigint {
  return BigInt(new SeqRanges(ranges as [number, number][]).highWater);
}

/** The ranges after a batch that reports only a high-water mark: everything from 1 to it is committed. */
export function withHighWater(ranges: readonly SeqRange[], highWater: bigint): [number, number][] {
  return mergeRanges(highWater > 0n ? [...ranges, [1, toSeq(highWater)]] : ranges);
}

/** A JetStream sequence as a JS number; they are uint64 on the wire but stay far below 2^53 in practice. */
export function toSeq(seq: bigint): number {
  if (seq < 0n || seq > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`stream sequence ${seq} is out of range`);
  return Number(seq);
}
