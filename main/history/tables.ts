import {
  DuckDBDataChunk,
  DuckDBDoubleType,
  DuckDBTimestampMillisecondsType,
  DuckDBTimestampMillisecondsValue,
  DuckDBUBigIntType,
  DuckDBVarCharType,
  type DuckDBAppender,
  type DuckDBValue,
  type DuckDBVector,
} from '@duckdb/node-api';

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

/** The archive's columns in contract order, from the hot table (props becomes JSON; text that is not JSON is kept as a JSON string). */
export const ARCHIVE_SELECT = `device_id, ts, lat, lon, h3, speed, heading, accuracy, kind,
  CASE WHEN props IS NULL THEN NULL WHEN json_valid(props) THEN props::JSON ELSE to_json(props) END AS props, seq`;

/** The same columns from archive parts (already typed). */
export const ARCHIVE_COLUMNS = 'device_id, ts, lat, lon, h3, speed, heading, accuracy, kind, props, seq';

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

/**
 * Appends rows through whole data chunks: numeric columns are filled in typed arrays and copied once per
 * chunk, which measured ~1.5× faster than one native call per value.
 */
export function appendPositions(appender: DuckDBAppender, rows: readonly PositionRow[]): void {
  for (let offset = 0; offset < rows.length; offset += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows.length - offset);
    const chunk = DuckDBDataChunk.create(HOT_TYPES, n);
    const v: DuckDBVector<DuckDBValue>[] = HOT_TYPES.map((_, i) => chunk.getColumnVector(i));
    for (let k = 0; k < n; k++) {
      const r = rows[offset + k];
      v[0].setItem(k, r.seq);
      v[1].setItem(k, r.device_id);
      v[2].setItem(k, new DuckDBTimestampMillisecondsValue(BigInt(r.ts)));
      v[3].setItem(k, r.lat);
      v[4].setItem(k, r.lon);
      v[5].setItem(k, r.h3);
      v[6].setItem(k, r.speed ?? null);
      v[7].setItem(k, r.heading ?? null);
      v[8].setItem(k, r.accuracy ?? null);
      v[9].setItem(k, r.kind ?? null);
      v[10].setItem(k, r.props ?? null);
    }
    for (const vector of v) vector.flush();
    appender.appendDataChunk(chunk);
  }
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
