import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FenceEvent } from '../../shared/fence-event';
import { sqlString } from './layout';
import { globMatches, withScratchDuckDB } from './scratch-duckdb';
import type { DuckDBConnection } from '@duckdb/node-api';

/** Which past fence events to read (from the queue's log or the archive): any of these fences, devices and types, in [from, to). */
export interface ArchivedEventFilter {
  fenceIds?: string[];
  deviceIds?: string[];
  from?: number;
  to?: number;
  types?: string[];
  limit?: number;
}

/** The filter as DuckDB conditions over the archive's columns. */
function whereOf(filter: ArchivedEventFilter): string {
  const where: string[] = [];
  const any = (column: string, values?: string[]) => values?.length && where.push(`${column} IN (${values.map(sqlString).join(', ')})`);
  any('fence_id', filter.fenceIds);
  any('device_id', filter.deviceIds);
  any('event_type', filter.types);
  if (filter.from !== undefined) where.push(`ts >= make_timestamp(${Math.trunc(filter.from)} * 1000)`);
  if (filter.to !== undefined) where.push(`ts < make_timestamp(${Math.trunc(filter.to)} * 1000)`);
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

/** Runs `read` over the archived fence events (their `read_parquet` source); `none` when there are none yet. */
async function overArchive<T>(dataDir: string, none: T, read: (c: DuckDBConnection, source: string) => Promise<T>): Promise<T> {
  const dir = join(dataDir, 'archive', 'fence_events');
  if (!existsSync(dir)) return none;
  return withScratchDuckDB(async (c) => {
    const glob = sqlString(join(dir, '**', '*.parquet'));
    if (!(await globMatches(c, glob))) return none;
    return read(c, `read_parquet(${glob}, hive_partitioning = true, union_by_name = true)`);
  });
}

/** Fence events from the Parquet archive (`<dataDir>/archive/fence_events/date=…/hour=…/*.parquet`), oldest first. */
export function archivedEvents(dataDir: string, filter: ArchivedEventFilter): Promise<FenceEvent[]> {
  return overArchive(dataDir, [], async (c, source) => {
    const rows = await c.runAndReadAll(
      `SELECT event_type, fence_id, device_id, lat, lon, epoch_ms(ts)::DOUBLE AS ts, "group" AS grp, source
       FROM ${source} ${whereOf(filter)} ORDER BY ts LIMIT ${Math.trunc(filter.limit ?? 100_000)}`,
    );
    return rows.getRowObjectsJS().map((r) => ({
      event_type: String(r.event_type) as FenceEvent['event_type'],
      fence_id: String(r.fence_id),
      device_id: String(r.device_id),
      position: { lat: Number(r.lat), lon: Number(r.lon) },
      timestamp: Number(r.ts),
      ...(r.grp != null ? { group: String(r.grp) } : {}),
      source: String(r.source) as FenceEvent['source'],
    }));
  });
}

/** How many archived fence events match (a replay's preview). */
export function countArchivedEvents(dataDir: string, filter: ArchivedEventFilter): Promise<number> {
  return overArchive(dataDir, 0, async (c, source) => {
    const rows = await c.runAndReadAll(`SELECT count(*) AS n FROM ${source} ${whereOf(filter)}`);
    return Number(rows.getRowObjectsJS()[0]!.n);
  });
}
