import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

type Db = Database.Database;

/** Migrations in order; `PRAGMA user_version` says how many have run. Never edit one that shipped: add another. */
const MIGRATIONS: readonly string[] = [
  `
  -- Facts about this file: its random id prefixes every delivery id (unique across machines).
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  INSERT INTO meta (key, value) VALUES ('instance', lower(hex(randomblob(5))));

  -- The append-only event log. A repeat inside the dedup window is counted in \`repeats\`, not logged again;
  -- it is found through (fence_id, ts): an index that grows at a few hundred places (the fences), where one
  -- on the fingerprint or the device would touch a page per event and halve the durable enqueue rate.
  CREATE TABLE fence_events (
    id          INTEGER PRIMARY KEY,
    event_type  TEXT    NOT NULL,
    fence_id    TEXT    NOT NULL,
    device_id   TEXT    NOT NULL,
    ts          INTEGER NOT NULL,
    lat         REAL    NOT NULL,
    lon         REAL    NOT NULL,
    grp         TEXT,
    source      TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL,
    repeats     INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX fence_events_fence_ts ON fence_events (fence_id, ts);

  CREATE TABLE targets (
    id             TEXT    PRIMARY KEY,
    kind           TEXT    NOT NULL CHECK (kind IN ('webhook', 'nats', 'feed')),
    url            TEXT,
    subject        TEXT,
    secret_ref     TEXT,
    timeout_ms     INTEGER NOT NULL DEFAULT 10000,
    concurrency    INTEGER NOT NULL DEFAULT 8,
    enabled        INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
  );
  INSERT INTO targets (id, kind, created_at, updated_at) VALUES ('feed', 'feed', 0, 0);

  -- seq orders items (FIFO) and names them: the delivery id is msg_<instance><seq>. The body is built
  -- from the event row; only a replay of an archived event, which has none, carries its own payload.
  CREATE TABLE delivery_queue (
    seq              INTEGER PRIMARY KEY,
    event_id         INTEGER REFERENCES fence_events (id),
    target_id        TEXT    NOT NULL,
    partition_key    TEXT    NOT NULL,
    fingerprint      TEXT    NOT NULL,
    payload          TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'dlq')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    completed_at     INTEGER,
    CHECK (event_id IS NOT NULL OR payload IS NOT NULL)
  );
  CREATE INDEX delivery_queue_due ON delivery_queue (status, next_attempt_at);
  -- Only undelivered items: the heads of the (fence, target) partitions are found by skipping through it.
  CREATE INDEX delivery_queue_open ON delivery_queue (partition_key, target_id, seq) WHERE status IN ('pending', 'processing', 'failed');
  CREATE INDEX delivery_queue_completed ON delivery_queue (completed_at) WHERE status = 'completed';

  CREATE TABLE delivery_log (
    id          INTEGER PRIMARY KEY,
    item_seq    INTEGER NOT NULL,
    attempt     INTEGER NOT NULL,
    target_id   TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('success', 'failed', 'timeout')),
    http_status INTEGER,
    latency_ms  REAL    NOT NULL,
    error       TEXT,
    at          INTEGER NOT NULL
  );
  CREATE INDEX delivery_log_item ON delivery_log (item_seq);
  CREATE INDEX delivery_log_at ON delivery_log (at);

  -- The ingest high-water mark committed with the events it produced (embedded engine).
  CREATE TABLE ingest_mark (
    stream     TEXT PRIMARY KEY,
    high_water INTEGER NOT NULL
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The queue database cannot be used; the message names the file, the problem and what to do. */
export class QueueDatabaseError extends Error {
  override name = 'QueueDatabaseError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

export interface OpenOptions {
  /** `full` fsyncs the WAL at every commit (survives power loss); `normal` survives a killed process. */
  synchronous: 'full' | 'normal';
  /** How long to wait for another process's lock before giving up. */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

/**
 * Opens (creating when absent) and migrates the queue database. A corrupt or locked file is refused
 * with a QueueDatabaseError and left exactly as it was: nothing is ever recreated over a user's file.
 */
export function openQueueDatabase(file: string, options: OpenOptions): Db {
  const existed = existsSync(file);
  let db: Db;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000, readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw explain(err, file);
  }
  try {
    // Read before any write: a file that is not a database fails here, untouched.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (existed) {
      const check = db.pragma('quick_check', { simple: true }) as string;
      if (check !== 'ok') throw new QueueDatabaseError(`${file} is damaged (SQLite quick_check: ${check}). hexwatch left it untouched: restore it from a backup or move it aside to start an empty queue.`, file);
    }
    if (version > SCHEMA_VERSION) {
      throw new QueueDatabaseError(`${file} was written by a newer hexwatch (schema ${version}, this one knows ${SCHEMA_VERSION}); open it with that version.`, file);
    }
    if (options.readonly) return db;
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -65536');
    // The Checkpointer thread keeps the WAL short; this is only the backstop should it fall behind.
    db.pragma('wal_autocheckpoint = 16384');
    for (let v = version; v < SCHEMA_VERSION; v++) {
      db.transaction(() => {
        db.exec(MIGRATIONS[v]);
        db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
    // Take the write lock once now: a file another process holds is refused here, not at the first event.
    db.exec('BEGIN IMMEDIATE; ROLLBACK');
    return db;
  } catch (err) {
    db.close();
    throw explain(err, file);
  }
}

function explain(err: unknown, file: string): Error {
  if (err instanceof QueueDatabaseError) return err;
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /not a database|malformed/i.test(e.message ?? '')) {
    return new QueueDatabaseError(
      `${file} is not a readable SQLite database (${e.message}). hexwatch left it untouched: restore it from a backup or move it aside to start an empty queue.`,
      file,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new QueueDatabaseError(
      `${file} is locked by another process (another hexwatch engine, or a tool holding it open). Close it and start again.`,
      file,
    );
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
    return new QueueDatabaseError(`${file} cannot be opened for writing (${e.message}): check the folder exists and is writable.`, file);
  }
  return new QueueDatabaseError(`${file}: ${e.message ?? String(err)}`, file);
}
