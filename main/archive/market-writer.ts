import { DuckDBTimestampMillisecondsValue } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cellToBigInt, keyToCell } from '../../shared/h3-cell';
import { supplyDemandRatio, surgeMultiplier } from '../../shared/surge';
import { hourStart, partPath, sqlString, tmpPathOf } from './layout';
import { withScratchDuckDB } from './scratch-duckdb';

export const MARKET_TABLE = 'market';

/** The market at one moment: every cell holding anything, and the kinds' breakdown as [cell, kind, supply, demand]. */
export interface MarketSnapshot {
  at: number;
  resolution: number;
  keys: Float64Array;
  supply: Float64Array;
  demand: Float64Array;
  kinds: [number, string, number, number][];
}

/**
 * Writes market snapshots into the Parquet archive (`market/date=…/hour=…/part-<uuid>.parquet`, ZSTD): a
 * row per cell and moment (`kind` NULL), and one per cell, moment and kind, each with its surge and ratio,
 * so a notebook asks how surge moved: `SELECT ts, max(surge) FROM market GROUP BY 1`.
 */
export async function archiveMarketSnapshots(
  dataDir: string,
  snapshots: readonly MarketSnapshot[],
  /** Names the parts `part-<tag>-<uuid>.parquet` (the demo's, to find them again). */
  tag?: string,
): Promise<{ rows: number; parts: number }> {
  const byHour = new Map<number, MarketSnapshot[]>();
  for (const s of snapshots) byHour.set(hourStart(s.at), [...(byHour.get(hourStart(s.at)) ?? []), s]);
  let rows = 0;
  await withScratchDuckDB(async (c) => {
    for (const [hour, list] of byHour) {
      await c.run(
        `CREATE OR REPLACE TABLE m (ts TIMESTAMP_MS, cell UBIGINT, resolution UTINYINT, kind VARCHAR, supply DOUBLE, demand DOUBLE, surge DOUBLE, ratio DOUBLE)`,
      );
      const appender = await c.createAppender('m');
      const cell = new Uint32Array(2);
      const row = (at: DuckDBTimestampMillisecondsValue, res: number, key: number, kind: string | null, supply: number, demand: number) => {
        keyToCell(key, res, cell);
        appender.appendTimestampMilliseconds(at);
        appender.appendUBigInt(cellToBigInt(cell[0], cell[1]));
        appender.appendUTinyInt(res);
        if (kind === null) appender.appendNull();
        else appender.appendVarchar(kind);
        appender.appendDouble(supply);
        appender.appendDouble(demand);
        appender.appendDouble(surgeMultiplier(supply, demand));
        appender.appendDouble(supplyDemandRatio(supply, demand));
        appender.endRow();
        rows++;
      };
      for (const s of list) {
        const at = new DuckDBTimestampMillisecondsValue(BigInt(s.at));
        for (let i = 0; i < s.keys.length; i++) row(at, s.resolution, s.keys[i], null, s.supply[i], s.demand[i]);
        for (const [key, kind, supply, demand] of s.kinds) row(at, s.resolution, key, kind, supply, demand);
      }
      appender.closeSync();
      const path = join(dataDir, 'archive', partPath(MARKET_TABLE, hour, tag ? `${tag}-${randomUUID()}` : randomUUID()));
      const tmp = tmpPathOf(path);
      mkdirSync(dirname(path), { recursive: true });
      await c.run(`COPY (SELECT ts::TIMESTAMPTZ AS ts, * EXCLUDE (ts) FROM m ORDER BY ts, cell) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
      renameSync(tmp, path);
    }
  });
  return { rows, parts: byHour.size };
}
