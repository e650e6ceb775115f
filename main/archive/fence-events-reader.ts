import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FenceEvent } from '../../shared/fence-event';
import { sqlString } from './layout';
import { globMatches, withScratchDuckDB } from './scratch-duckdb';

/**
 * Fence events from the Parquet archive (`<dataDir>/archive/fence_events/date=…/hour=…/*.parquet`),
 * oldest first; none when the archive has no fence events yet.
 */
/** Which archived fence events to read. */
export interface ArchivedEventFilter {
  deviceId?: string;
  fenceId?: string;
  from?: number;
  to?: number;
  types?: string[];
  limit?: number;
}

export async function archivedEvents(dataDir: string, filter: ArchivedEventFilter): Promise<FenceEvent[]> {
  const dir = join(dataDir, 'archive', 'fence_events');
  if (!existsSync(dir)) return [];
  return withScratchDuckDB(async (c) => {
    const glob = sqlString(join(dir, '**', '*.parquet'));
    if (!(await globMatches(c, glob))) return [];
    const where: string[] = [];
    if (filter.deviceId) where.push(`device_id = ${sqlString(filter.deviceId)}`);
    if (filter.fenceId) where.push(`fence_id = ${sqlString(filter.fenceId)}`);
    if (filter.from !== undefined) where.push(`ts >= make_timestamp(${Math.trunc(filter.from)} * 1000)`);
    if (filter.to !== undefined) where.push(`ts < make_timestamp(${Math.trunc(filter.to)} * 1000)`);
    if (filter.types?.length) where.push(`event_type IN (${filter.types.map(sqlString).join(', ')})`);
    const rows = await c.runAndReadAll(
      `SELECT event_type, fence_id, device_id, lat, lon, epoch_ms(ts)::DOUBLE AS ts, "group" AS grp, source
       FROM read_parquet(${glob}, hive_partitioning = true, union_by_name = true)
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ts LIMIT ${Math.trunc(filter.limit ?? 100_000)}`,
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
