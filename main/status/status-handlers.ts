import type { Status } from '../../shared/rpc';
import type { Handlers } from '../rpc';

/** How often the status goes out on `status.changed`. */
const STATUS_INTERVAL_MS = 1000;

/** `status.get`: the status bar's figures now; `status.about`: the versions the About box shows. */
export function statusHandlers<C>(status: () => Status): Pick<Handlers<C>, 'status.get' | 'status.about'> {
  return {
    'status.get': () => status(),
    'status.about': async () => {
      const s = status();
      const [duckdb, sqlite] = await Promise.all([duckdbVersion(), sqliteVersion()]);
      return { version: s.version, source: s.source, duckdb, sqlite, ...(s.natsServer ? { nats: s.natsServer } : {}) };
    },
  };
}

/** The DuckDB library the engine links (loaded on demand: the simulator alone never opens one). */
async function duckdbVersion(): Promise<string> {
  const { version } = await import('@duckdb/node-api');
  return version().replace(/^v/, '');
}

/** The SQLite library better-sqlite3 carries, asked of a throwaway in-memory database. */
async function sqliteVersion(): Promise<string> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

/** Calls `publish` every second (it sends the status while anyone listens); returns its stop. */
export function startStatusChannel(publish: () => void): () => void {
  const timer = setInterval(publish, STATUS_INTERVAL_MS);
  return () => clearInterval(timer);
}
