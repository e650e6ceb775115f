import { cellToBigInt } from '../../shared/h3-cell';
import type { PositionRow } from './tables';

const TWO_32 = 4294967296;
const FLOAT_COLUMNS = ['seq', 'ts', 'lat', 'lon', 'speed', 'heading', 'accuracy'] as const;
const CELL_COLUMNS = ['h3hi', 'h3lo'] as const;

/**
 * Positions as columns, the shape the hot table takes them in: decoding fills typed arrays and the
 * appender copies them whole, with no object or BigInt per position (on the ingest path those were
 * a good part of the garbage collector's work). Absent optional numbers are NaN, absent strings null.
 */
export class PositionBatch {
  length = 0;
  /** JetStream stream sequence. */
  seq: Float64Array;
  /** Epoch milliseconds. */
  ts: Float64Array;
  lat: Float64Array;
  lon: Float64Array;
  /** The resolution-15 H3 cell's high and low 32 bits. */
  h3hi: Uint32Array;
  h3lo: Uint32Array;
  speed: Float64Array;
  heading: Float64Array;
  accuracy: Float64Array;
  readonly id: string[] = [];
  readonly kind: (string | null)[] = [];
  /** JSON text. */
  readonly props: (string | null)[] = [];

  constructor(capacity = 256) {
    const n = Math.max(1, capacity);
    this.seq = new Float64Array(n);
    this.ts = new Float64Array(n);
    this.lat = new Float64Array(n);
    this.lon = new Float64Array(n);
    this.h3hi = new Uint32Array(n);
    this.h3lo = new Uint32Array(n);
    this.speed = new Float64Array(n);
    this.heading = new Float64Array(n);
    this.accuracy = new Float64Array(n);
  }

  add(
    seq: number,
    id: string,
    ts: number,
    lat: number,
    lon: number,
    h3hi: number,
    h3lo: number,
    speed = NaN,
    heading = NaN,
    accuracy = NaN,
    kind: string | null = null,
    props: string | null = null,
  ): void {
    if (this.length === this.seq.length) this.grow(this.length * 2);
    const i = this.length++;
    this.seq[i] = seq;
    this.ts[i] = ts;
    this.lat[i] = lat;
    this.lon[i] = lon;
    this.h3hi[i] = h3hi;
    this.h3lo[i] = h3lo;
    this.speed[i] = speed;
    this.heading[i] = heading;
    this.accuracy[i] = accuracy;
    this.id[i] = id;
    this.kind[i] = kind;
    this.props[i] = props;
  }

  /** Row i of `from` appended to this batch. */
  addFrom(from: PositionBatch, i: number): void {
    this.add(
      from.seq[i],
      from.id[i],
      from.ts[i],
      from.lat[i],
      from.lon[i],
      from.h3hi[i],
      from.h3lo[i],
      from.speed[i],
      from.heading[i],
      from.accuracy[i],
      from.kind[i],
      from.props[i],
    );
  }

  /** Row i as an object (tests, and callers that hold rows). */
  row(i: number): PositionRow {
    const row: PositionRow = {
      seq: BigInt(this.seq[i]),
      device_id: this.id[i],
      ts: this.ts[i],
      lat: this.lat[i],
      lon: this.lon[i],
      h3: cellToBigInt(this.h3hi[i], this.h3lo[i]),
    };
    if (!Number.isNaN(this.speed[i])) row.speed = this.speed[i];
    if (!Number.isNaN(this.heading[i])) row.heading = this.heading[i];
    if (!Number.isNaN(this.accuracy[i])) row.accuracy = this.accuracy[i];
    if (this.kind[i] !== null) row.kind = this.kind[i]!;
    if (this.props[i] !== null) row.props = this.props[i]!;
    return row;
  }

  /** The rows whose sequence `keep` accepts, in order. */
  filter(keep: (seq: number) => boolean): PositionBatch {
    const out = new PositionBatch(this.length);
    for (let i = 0; i < this.length; i++) if (keep(this.seq[i])) out.addFrom(this, i);
    return out;
  }

  static fromRows(rows: readonly PositionRow[]): PositionBatch {
    const b = new PositionBatch(rows.length);
    for (const r of rows) {
      const h3 = BigInt.asUintN(64, r.h3);
      b.add(
        Number(r.seq),
        r.device_id,
        r.ts,
        r.lat,
        r.lon,
        Number(h3 >> 32n),
        Number(h3 & 0xffffffffn),
        r.speed ?? NaN,
        r.heading ?? NaN,
        r.accuracy ?? NaN,
        r.kind ?? null,
        r.props ?? null,
      );
    }
    return b;
  }

  /** One batch holding these batches' rows in order. */
  static concat(batches: readonly PositionBatch[]): PositionBatch {
    if (batches.length === 1) return batches[0];
    const out = new PositionBatch(batches.reduce((n, b) => n + b.length, 0));
    for (const b of batches) {
      const at = out.length;
      for (const col of FLOAT_COLUMNS) out[col].set(b[col].subarray(0, b.length), at);
      for (const col of CELL_COLUMNS) out[col].set(b[col].subarray(0, b.length), at);
      for (let i = 0; i < b.length; i++) {
        out.id[at + i] = b.id[i];
        out.kind[at + i] = b.kind[i];
        out.props[at + i] = b.props[i];
      }
      out.length += b.length;
    }
    return out;
  }

  private grow(capacity: number): void {
    for (const col of FLOAT_COLUMNS) {
      const next = new Float64Array(capacity);
      next.set(this[col]);
      this[col] = next;
    }
    for (const col of CELL_COLUMNS) {
      const next = new Uint32Array(capacity);
      next.set(this[col]);
      this[col] = next;
    }
  }
}

/** Writes n non-negative safe integers from `values[from…]` as little-endian 64-bit integers into `words` (two 32-bit words each). */
export function toInt64Words(values: Float64Array, from: number, n: number, words: Uint32Array): void {
  for (let k = 0; k < n; k++) {
    const v = values[from + k];
    const hi = Math.floor(v / TWO_32);
    words[2 * k] = v - hi * TWO_32;
    words[2 * k + 1] = hi;
  }
}
