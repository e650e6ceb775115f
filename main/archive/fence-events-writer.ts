import { DuckDBTimestampMillisecondsValue } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isFixTime } from '../../shared/position';
import type { FenceEvent } from '../../shared/fence-event';
import { hourStart, partPath, sqlString, tmpPathOf } from './layout';
import { withScratchDuckDB } from './scratch-duckdb';

const TABLE = 'fence_events';
const PART = /^part-(\d+)-(\d+)\.parquet$/;

/**
 * Copies the queue's event log into the Parquet archive (`fence_events/date=…/hour=…`, ZSTD, sorted by
 * device then time), so DuckDB, pandas or Spark read fence events beside positions. A part is named by
 * the event ids it holds and the mark moves only after its rename: a roll cut short leaves parts past
 * the mark, which the next roll removes and writes again — never a duplicate, never a gap.
 */
/** A logged fence event as the archive takes it. */
export interface LoggedEvent {
  id: number;
  event_type: FenceEvent['event_type'];
  fence_id: string;
  device_id: string;
  ts: number;
  lat: number;
  lon: number;
  grp: string | null;
  source: FenceEvent['source'];
}

/** Where the events come from (the delivery queue's event log), and how far the archive has copied it. */
export interface EventSource {
  archiveMark(): number;
  setArchiveMark(id: number): void;
  after(id: number, recordedBefore?: number): LoggedEvent[];
}

export async function archiveFenceEvents(
  log: EventSource,
  dataDir: string,
  options: { recordedBefore?: number } = {},
): Promise<{ events: number; parts: number }> {
  const mark = log.archiveMark();
  removeOrphans(join(dataDir, 'archive', TABLE), mark);
  const rows = log.after(mark, options.recordedBefore);
  if (rows.length === 0) return { events: 0, parts: 0 };
  const written = await writeFenceEventParts(dataDir, rows, (list) => `${list[0].id}-${list[list.length - 1].id}`);
  log.setArchiveMark(rows[rows.length - 1].id);
  return written;
}

/**
 * Events of the past that never went through the queue (the demo's: id 0, never delivered), as parts of
 * their own, `part-<tag>-<uuid>.parquet`: the log's mark and its orphan sweep never touch them.
 */
export function archivePastFenceEvents(dataDir: string, events: readonly LoggedEvent[], tag: string): Promise<{ events: number; parts: number }> {
  return writeFenceEventParts(dataDir, events, () => `${tag}-${randomUUID()}`);
}

/** Events into hourly parts, each named by `name` (of its events); an event whose time is not one is left out. */
async function writeFenceEventParts(
  dataDir: string,
  rows: readonly LoggedEvent[],
  name: (list: LoggedEvent[]) => string,
): Promise<{ events: number; parts: number }> {
  const root = join(dataDir, 'archive');
  const byHour = new Map<number, LoggedEvent[]>();
  // An event whose time is not one (a corrupt event, dead-lettered in the queue) has no hour to go to:
  // it stays in the queue for inspection, and the archive moves past it.
  for (const r of rows.filter((row) => isFixTime(row.ts))) {
    const h = hourStart(r.ts);
    const list = byHour.get(h);
    if (list) list.push(r);
    else byHour.set(h, [r]);
  }
  await withScratchDuckDB(async (c) => {
    for (const [hour, list] of byHour) {
      await c.run(
        `CREATE OR REPLACE TABLE e (id UBIGINT, event_type VARCHAR, fence_id VARCHAR, device_id VARCHAR, ts TIMESTAMP_MS, lat DOUBLE, lon DOUBLE, "group" VARCHAR, source VARCHAR)`,
      );
      const appender = await c.createAppender('e');
      for (const r of list) {
        appender.appendUBigInt(BigInt(r.id));
        appender.appendVarchar(r.event_type);
        appender.appendVarchar(r.fence_id);
        appender.appendVarchar(r.device_id);
        appender.appendTimestampMilliseconds(new DuckDBTimestampMillisecondsValue(BigInt(r.ts)));
        appender.appendDouble(r.lat);
        appender.appendDouble(r.lon);
        if (r.grp === null) appender.appendNull();
        else appender.appendVarchar(r.grp);
        appender.appendVarchar(r.source);
        appender.endRow();
      }
      appender.closeSync();
      const path = join(root, partPath(TABLE, hour, name(list)));
      const tmp = tmpPathOf(path);
      mkdirSync(dirname(path), { recursive: true });
      // ts as an instant (TIMESTAMPTZ), as in the positions archive.
      const columns = 'id, event_type, fence_id, device_id, ts::TIMESTAMPTZ AS ts, lat, lon, "group", source';
      await c.run(`COPY (SELECT ${columns} FROM e ORDER BY device_id, ts, id) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
      renameSync(tmp, path);
    }
  });
  return { events: [...byHour.values()].reduce((n, list) => n + list.length, 0), parts: byHour.size };
}

/** Parts (and temporary files) holding events past the mark: left by a roll that did not finish. */
function removeOrphans(dir: string, mark: number): void {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true }) as string[];
  } catch {
    return;
  }
  for (const name of names) {
    const base = name.split('/').pop()!;
    const part = PART.exec(base.replace(/^\.(.*)\.tmp$/, '$1'));
    if (part && (Number(part[1]) > mark || base.endsWith('.tmp'))) rmSync(join(dir, name), { force: true });
  }
}
