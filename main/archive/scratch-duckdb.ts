import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/**
 * Every DuckDB of hexwatch's runs in UTC: a TIMESTAMP (naive, as the hot table and older archive parts
 * hold it) then becomes the same instant as TIMESTAMPTZ, whatever the machine's time zone.
 */
export const UTC_SESSION = "SET TimeZone = 'UTC'";

/** An in-memory DuckDB for one piece of work over the archive: never fetches an extension, closed after. */
export async function withScratchDuckDB<T>(work: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const c = await instance.connect();
  try {
    await c.run(UTC_SESSION);
    return await work(c);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** Whether a glob (an SQL string literal) matches any file: read_parquet refuses an empty one. */
export async function globMatches(c: DuckDBConnection, glob: string): Promise<boolean> {
  return Number((await c.runAndReadAll(`SELECT count(*) FROM glob(${glob})`)).getRows()[0][0]) > 0;
}
