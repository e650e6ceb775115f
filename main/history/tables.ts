import {
  DuckDBDataChunk,
  DuckDBDoubleType,
  DuckDBTimestampMillisecondsType,
  DuckDBTimestampMillisecondsValue,
  DuckDBUBigIntType,
  DuckDBVarCharType,
  type DuckDBAppender,
} from '@duckdb/node-api';
// The bindings under @duckdb/node-api: its vectors take one value (and a BigInt) per call; these take whole buffers.
import duckdb from '@duckdb/node-bindings';
import { toInt64Words, type PositionBatch } from './position-batch';

/** One decoded fix, as committed to the hot table. */
export interface PositionRow {
  /** JetStream stream sequence. */
  seq: bigint;
  device_id: string;
  /** Epoch milliseconds. */
  ts: number;
  lat: number;
  lon: number;
  /** The resolution-15 H3 cell as an unsigned 64-bit integer. */
  h3: bigint;
  speed?: number;
  heading?: number;
  accuracy?: number;
  kind?: string;
  /** JSON text. */
  props?: string;
}

/** One message that failed validation, kept with its raw bytes. */
export interface QuarantineRow {
  seq: bigint;
  subject: string;
  raw: Uint8Array;
  reason: string;
  detail: string;
  /** Epoch milliseconds. */
  received: number;
}

/**
 * The database: the hot table has the archive's columns and types (plus nothing), so rolling an hour is
 * a plain SELECT; bookkeeping tables make the archive and the committed sequences exact across crashes.
 */
export const SCHEMA_SQL = [
  `CREATE TABLE IF NOT EXISTS positions_hot (
     seq UBIGINT NOT NULL, device_id VARCHAR NOT NULL, ts TIMESTAMP_MS NOT NULL, lat DOUBLE NOT NULL, lon DOUBLE NOT NULL,
     h3 UBIGINT NOT NULL, speed DOUBLE, heading DOUBLE, accuracy DOUBLE, kind VARCHAR, props VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS quarantine (
     seq UBIGINT NOT NULL, stream VARCHAR NOT NULL, subject VARCHAR NOT NULL, raw BLOB NOT NULL, reason VARCHAR NOT NULL,
     detail VARCHAR NOT NULL, received TIMESTAMP_MS NOT NULL)`,
  // Committed stream sequences, replaced per stream in the same transaction as the rows they produced.
  `CREATE TABLE IF NOT EXISTS ingest_progress (stream VARCHAR NOT NULL, first_seq UBIGINT NOT NULL, last_seq UBIGINT NOT NULL)`,
  // Every Parquet file that belongs to the archive; a file on disk that is not listed here is not part of it.
  `CREATE TABLE IF NOT EXISTS archive_parts (
     path VARCHAR NOT NULL, tbl VARCHAR NOT NULL, date VARCHAR NOT NULL, hour INTEGER NOT NULL, hour_start TIMESTAMP_MS NOT NULL,
     rows BIGINT NOT NULL, min_seq UBIGINT, max_seq UBIGINT, bytes BIGINT NOT NULL, created TIMESTAMP_MS NOT NULL)`,
  // Paths (and their .tmp) that must not survive unless archive_parts lists them: new parts before their
  // commit, replaced or expired parts before their unlink. Recorded before the file is touched, cleared after.
  `CREATE TABLE IF NOT EXISTS archive_garbage (path VARCHAR NOT NULL)`,
];

/**
 * The archive's columns in contract order, from the hot table (props becomes JSON; text that is not JSON
 * is kept as a JSON string). `ts` is written as an instant (TIMESTAMPTZ: Parquet's isAdjustedToUTC), so
 * pandas, polars and Spark read UTC times, not naive local ones; every session runs in UTC (UTC_SESSION).
 */
export const ARCHIVE_SELECT = `device_id, ts::TIMESTAMPTZ AS ts, lat, lon, h3, speed, heading, accuracy, kind,
  CASE WHEN props IS NULL THEN NULL WHEN json_valid(props) THEN props::JSON ELSE to_json(props) END AS props, seq`;

/** The same columns from archive parts (already typed; parts written before ts was an instant become one). */
export const ARCHIVE_COLUMNS = 'device_id, ts::TIMESTAMPTZ AS ts, lat, lon, h3, speed, heading, accuracy, kind, props, seq';

const HOT_TYPES = [
  DuckDBUBigIntType.instance,
  DuckDBVarCharType.instance,
  DuckDBTimestampMillisecondsType.instance,
  DuckDBDoubleType.instance,
  DuckDBDoubleType.instance,
  DuckDBUBigIntType.instance,
  DuckDBDoubleType.instance,
  DuckDBDoubleType.instance,
  DuckDBDoubleType.instance,
  DuckDBVarCharType.instance,
  DuckDBVarCharType.instance,
];
const CHUNK_ROWS = 2048; // DuckDB's vector size: one chunk holds at most this many rows
// Scratch for one chunk's 64-bit column and validity masks (the appender copies them before returning).
const words = new Uint32Array(2 * CHUNK_ROWS);
const mask = new Uint32Array(CHUNK_ROWS / 32);

/**
 * Appends a batch through whole data chunks: numeric columns are copied from the batch's typed arrays
 * in one native call per column, strings one call each. Rows a table constraint or a type would refuse
 * (no device id, a time or position that is not a number) throw here, inside the caller's transaction.
 */
export function appendPositions(appender: DuckDBAppender, rows: PositionBatch): void {
  for (let offset = 0; offset < rows.length; offset += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows.length - offset);
    for (let k = offset; k < offset + n; k++) {
      const ts = rows.ts[k];
      if (typeof rows.id[k] !== 'string' || !Number.isSafeInteger(ts) || ts < 0 || Number.isNaN(rows.lat[k] + rows.lon[k])) {
        throw new TypeError(`position ${rows.seq[k]}: needs a device id, a time in epoch milliseconds and a latitude and longitude`);
      }
    }
    const chunk = DuckDBDataChunk.create(HOT_TYPES, n);
    const vector = (column: number) => duckdb.data_chunk_get_vector(chunk.chunk, column);
    toInt64Words(rows.seq, offset, n, words);
    duckdb.copy_data_to_vector(vector(0), 0, words.buffer, 0, n * 8);
    copyStrings(vector(1), rows.id, offset, n);
    toInt64Words(rows.ts, offset, n, words);
    duckdb.copy_data_to_vector(vector(2), 0, words.buffer, 0, n * 8);
    copyDoubles(vector(3), rows.lat, offset, n);
    copyDoubles(vector(4), rows.lon, offset, n);
    for (let k = 0; k < n; k++) {
      words[2 * k] = rows.h3lo[offset + k];
      words[2 * k + 1] = rows.h3hi[offset + k];
    }
    duckdb.copy_data_to_vector(vector(5), 0, words.buffer, 0, n * 8);
    copyDoubles(vector(6), rows.speed, offset, n, true);
    copyDoubles(vector(7), rows.heading, offset, n, true);
    copyDoubles(vector(8), rows.accuracy, offset, n, true);
    copyStrings(vector(9), rows.kind, offset, n);
    copyStrings(vector(10), rows.props, offset, n);
    appender.appendDataChunk(chunk);
  }
}

function copyDoubles(target: duckdb.Vector, values: Float64Array, offset: number, n: number, nullable = false): void {
  duckdb.copy_data_to_vector(target, 0, values.buffer as ArrayBuffer, values.byteOffset + offset * 8, n * 8);
  if (!nullable) return;
  let nulls = false;
  for (let k = 0; k < n && !nulls; k++) nulls = Number.isNaN(values[offset + k]);
  if (!nulls) return;
  setValidity(target, n, (k) => !Number.isNaN(values[offset + k]));
}

// A string of at most 12 bytes lives inside its 16-byte slot of a VARCHAR vector (duckdb_string_t in
// DuckDB's C API: the length, then the bytes, zero-padded). Short ASCII strings, which device ids and
// kinds mostly are, are written into the vector's data whole; the rest take one native call each.
const slots = new Uint8Array(16 * CHUNK_ROWS);
const slotWords = new Uint32Array(slots.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function copyStrings(target: duckdb.Vector, values: readonly (string | null)[], offset: number, n: number): void {
  let nulls = false;
  let long: number[] | undefined;
  slots.fill(0, 0, n * 16);
  for (let k = 0; k < n; k++) {
    const v = values[offset + k];
    if (v === null || v === undefined) {
      nulls = true;
      continue;
    }
    let inline = LITTLE_ENDIAN && v.length <= 12;
    for (let c = 0; c < v.length && inline; c++) {
      const code = v.charCodeAt(c);
      if (code > 0 && code < 0x80) slots[k * 16 + 4 + c] = code;
      else inline = false;
    }
    if (inline) slotWords[k * 4] = v.length;
    else (long ??= []).push(k);
  }
  duckdb.copy_data_to_vector(target, 0, slots.buffer, 0, n * 16);
  if (long) for (const k of long) duckdb.vector_assign_string_element(target, k, values[offset + k]!);
  if (nulls) setValidity(target, n, (k) => values[offset + k] != null);
}

function setValidity(target: duckdb.Vector, n: number, valid: (k: number) => boolean): void {
  const count = Math.ceil(n / 64) * 2; // whole 64-bit words
  mask.fill(0, 0, count);
  for (let k = 0; k < n; k++) if (valid(k)) mask[k >>> 5] |= 1 << (k & 31);
  duckdb.vector_ensure_validity_writable(target);
  duckdb.copy_data_to_vector_validity(target, 0, mask.buffer, 0, count * 4);
}

export function appendQuarantine(appender: DuckDBAppender, stream: string, rows: readonly QuarantineRow[]): void {
  for (const q of rows) {
    appender.appendUBigInt(q.seq);
    appender.appendVarchar(stream);
    appender.appendVarchar(q.subject);
    appender.appendBlob(q.raw);
    appender.appendVarchar(q.reason);
    appender.appendVarchar(q.detail);
    appender.appendTimestampMilliseconds(new DuckDBTimestampMillisecondsValue(BigInt(Math.trunc(q.received))));
    appender.endRow();
  }
}
