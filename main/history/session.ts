import type { DuckDBConnection, DuckDBValue, JS } from '@duckdb/node-api';

/**
 * One DuckDB connection used by one caller at a time. A connection carries one transaction, so two
 * interleaved async callers would otherwise run their statements inside each other's BEGIN … COMMIT.
 */
export class Session {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly connection: DuckDBConnection) {}

  /** Runs `fn` after every earlier call on this session has settled. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  async run(sql: string, values?: DuckDBValue[]): Promise<number> {
    const result = await this.connection.run(sql, values);
    return result.rowsChanged;
  }

  async rows(sql: string, values?: DuckDBValue[]): Promise<Record<string, JS>[]> {
    const reader = await this.connection.runAndReadAll(sql, values);
    return reader.getRowObjectsJS();
  }

  /**
   * `fn` inside BEGIN … COMMIT; any throw (a failure, or a simulated crash) rolls everything back. SQL
   * that `fn` returns runs in the same trip to DuckDB's thread as the COMMIT.
   */
  async transaction(fn: () => Promise<string | void>): Promise<void> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const last = await fn();
      await this.connection.run(last ? `${last}\nCOMMIT;` : 'COMMIT');
    } catch (err) {
      // A failed COMMIT may already have ended the transaction; the ROLLBACK is then a harmless error.
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** Settles the queue, then disconnects. */
  async close(): Promise<void> {
    await this.tail;
    this.connection.closeSync();
  }
}
