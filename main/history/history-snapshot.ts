import { join } from 'node:path';
import { HOUR_MS, sqlString } from '../archive';
import type { Session } from './session';
import { ARCHIVE_SELECT } from './tables';

export interface HistorySnapshot {
  /** The archive's position parts, absolute paths. */
  parts: string[];
  /** The hot rows (in none of the parts), as Parquet. */
  hot: string;
  /** The quarantined messages, as Parquet. */
  quarantine: string;
  /** The hours (epoch ms of their start) the hot rows fall in: where a fleet's reader must not count a row twice. */
  hotHours: number[];
}

/**
 * The history as one consistent picture for a reader with its own DuckDB (notebooks, `hexwatch sql`):
 * the parts the catalogue lists, and the hot rows and quarantine written to `dir` as Parquet — read in
 * one transaction, so a row is in a part or in the hot file, never both, never neither.
 */
export async function writeHistorySnapshot(session: Pick<Session, 'rows' | 'run' | 'transaction'>, archiveDir: string, dir: string): Promise<HistorySnapshot> {
  const hot = join(dir, 'positions-hot.parquet');
  const quarantine = join(dir, 'quarantine.parquet');
  let parts: string[] = [];
  let hotHours: number[] = [];
  await session.transaction(async () => {
    parts = (await session.rows(`SELECT path FROM archive_parts WHERE tbl = 'positions' ORDER BY path`)).map((r) => join(archiveDir, String(r.path)));
    hotHours = (await session.rows(`SELECT DISTINCT (epoch_ms(ts) // ${HOUR_MS}) * ${HOUR_MS} AS h FROM positions_hot`)).map((r) => Number(r.h));
    await session.run(`COPY (SELECT ${ARCHIVE_SELECT} FROM positions_hot) TO ${sqlString(hot)} (FORMAT parquet)`);
    await session.run(
      `COPY (SELECT seq, stream, subject, reason, detail, received::TIMESTAMPTZ AS received, octet_length(raw) AS bytes, raw FROM quarantine) TO ${sqlString(quarantine)} (FORMAT parquet)`,
    );
  });
  return { parts, hot, quarantine, hotHours };
}
