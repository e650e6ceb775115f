import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { assertNotLost, LostFileError, remember } from '../data-dir';

/** A SQLite file hexwatch cannot use; the message names the file, the problem and what to do. */
export class DatabaseFileError extends Error {
  override name = 'DatabaseFileError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

export interface OpenOptions {
  /** Schema migrations in order; `PRAGMA user_version` says how many have run. Never edit one that shipped: add another. */
  migrations: readonly string[];
  /** `full` fsyncs the WAL at every commit (survives power loss); `normal` survives a killed process. */
  synchronous: 'full' | 'normal';
  /** How long to wait for another process's lock before giving up. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating when absent) and migrates a SQLite file in WAL mode. A corrupt or locked file is
 * refused with a DatabaseFileError and left exactly as it was: nothing is ever recreated over a user's file.
 */
export function openDatabase(file: string, options: OpenOptions): Database.Database {
  const { migrations } = options;
  try {
    assertNotLost(file);
  } catch (err) {
    if (err instanceof LostFileError) throw new DatabaseFileError(err.message, file);
    throw err;
  }
  const existed = existsSync(file);
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (err) {
    throw explain(err, file);
  }
  try {
    // Read before any write: a file that is not a database fails here, untouched.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (existed) {
      const check = db.pragma('quick_check', { simple: true }) as string;
      if (check !== 'ok')
        throw new DatabaseFileError(
          `${file} is damaged (SQLite quick_check: ${check}). hexwatch left it untouched: restore it from a backup or move it aside to start afresh.`,
          file,
        );
    }
    if (version > migrations.length) {
      throw new DatabaseFileError(
        `${file} was written by a newer hexwatch (schema ${version}, this one knows ${migrations.length}); open it with that version.`,
        file,
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('cache_size = -16384');
    // A Checkpointer thread, where one runs, keeps the WAL short; this is the backstop.
    db.pragma('wal_autocheckpoint = 16384');
    for (let v = version; v < migrations.length; v++) {
      db.transaction(() => {
        db.exec(migrations[v]);
        db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
    // Take the write lock once now: a file another process holds is refused here, not at the first write.
    db.exec('BEGIN IMMEDIATE; ROLLBACK');
    remember(file);
    return db;
  } catch (err) {
    db.close();
    throw explain(err, file);
  }
}

function explain(err: unknown, file: string): Error {
  if (err instanceof DatabaseFileError) return err;
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /not a database|malformed/i.test(e.message ?? '')) {
    return new DatabaseFileError(
      `${file} is not a readable SQLite database (${e.message}). hexwatch left it untouched: restore it from a backup or move it aside to start afresh.`,
      file,
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new DatabaseFileError(`${file} is locked by another process (another hexwatch engine, or a tool holding it open). Close it and start again.`, file);
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
    return new DatabaseFileError(`${file} cannot be opened for writing (${e.message}): check the folder exists and is writable.`, file);
  }
  return new DatabaseFileError(`${file}: ${e.message ?? String(err)}`, file);
}
