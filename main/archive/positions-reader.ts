import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sqlString } from './layout';
import { globMatches, withScratchDuckDB } from './scratch-duckdb';

/** A chunk of archived positions, in time order, as columns. */
export interface ArchivedPositionChunk {
  ids: string[];
  ts: number[];
  lat: number[];
  lon: number[];
}

/**
 * Streams the archived positions of a time range (epoch ms, `to` exclusive; one device's only with
 * `device`) in time order, chunk by chunk, to `onChunk`; stops with an error when `signal` is aborted.
 * Nothing when the archive is empty.
 */
export async function readArchivedPositions(
  dataDir: string,
  range: { from?: number; to?: number; device?: string },
  onChunk: (chunk: ArchivedPositionChunk) => void,
  signal?: AbortSignal,
): Promise<void> {
  const dir = join(dataDir, 'archive', 'positions');
  if (!existsSync(dir)) return;
  await withScratchDuckDB(async (c) => {
    const glob = sqlString(join(dir, '**', '*.parquet'));
    if (!(await globMatches(c, glob))) return;
    const where = [
      ...(range.from !== undefined ? [`ts >= make_timestamp(${Math.trunc(range.from)} * 1000)`] : []),
      ...(range.to !== undefined ? [`ts < make_timestamp(${Math.trunc(range.to)} * 1000)`] : []),
      ...(range.device !== undefined ? [`device_id = ${sqlString(range.device)}`] : []),
    ];
    const stream = await c.stream(
      `SELECT device_id, epoch_ms(ts)::DOUBLE AS ts, lat, lon FROM read_parquet(${glob}, hive_partitioning = true)
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts, seq`,
    );
    for (;;) {
      if (signal?.aborted) throw new Error('cancelled');
      const chunk = await stream.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const [ids, ts, lat, lon] = chunk.getColumns() as [string[], number[], number[], number[]];
      onChunk({ ids, ts, lat, lon });
    }
  });
}
