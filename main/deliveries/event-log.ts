import type Database from 'better-sqlite3';
import type { FenceEvent } from '../../shared/fence-event';
import { conditions } from './queue-items';
import type { ArchivedEventFilter, EventSource, LoggedEvent } from '../archive';

/** The log of every fence event recorded: the source of replays and of the hourly Parquet copy (main/archive). */
export class EventLog implements EventSource {
  constructor(private readonly db: Database.Database) {}

  /** Events recorded in the log, oldest first. */
  events(filter: ArchivedEventFilter): (FenceEvent & { eventId: number })[] {
    const { sql, args } = this.where(filter);
    const rows = this.db.prepare(`SELECT * FROM fence_events WHERE ${sql} ORDER BY ts, id LIMIT ?`).all(...args, filter.limit ?? 100_000) as LoggedEvent[];
    return rows.map((r) => ({
      eventId: r.id,
      event_type: r.event_type,
      fence_id: r.fence_id,
      device_id: r.device_id,
      position: { lat: r.lat, lon: r.lon },
      timestamp: r.ts,
      ...(r.grp ? { group: r.grp } : {}),
      source: r.source,
    }));
  }

  /** How many logged events match (a replay's preview). */
  count(filter: ArchivedEventFilter): number {
    const { sql, args } = this.where(filter);
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM fence_events WHERE ${sql}`).get(...args) as { n: number }).n;
  }

  private where(filter: ArchivedEventFilter): { sql: string; args: unknown[] } {
    const any = (column: string, values?: string[]) =>
      [values?.length ? `${column} IN (${values.map(() => '?').join(', ')})` : undefined, ...(values ?? [])] as [string | undefined, ...unknown[]];
    return conditions([
      any('fence_id', filter.fenceIds),
      any('device_id', filter.deviceIds),
      any('event_type', filter.types),
      [filter.from !== undefined && 'ts >= ?', filter.from],
      [filter.to !== undefined && 'ts < ?', filter.to],
    ]);
  }

  /** The last event id already copied into the Parquet archive (0: none). */
  archiveMark(): number {
    const r = this.db.prepare(`SELECT value FROM meta WHERE key = 'archive_mark'`).get() as { value: string } | undefined;
    return r ? Number(r.value) : 0;
  }

  setArchiveMark(id: number): void {
    this.db.prepare(`INSERT INTO meta (key, value) VALUES ('archive_mark', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(id));
  }

  /** Logged events after `id`, in id order; with `recordedBefore`, only those recorded before it. */
  after(id: number, recordedBefore = Number.MAX_SAFE_INTEGER): LoggedEvent[] {
    return this.db
      .prepare(`SELECT id, event_type, fence_id, device_id, ts, lat, lon, grp, source FROM fence_events WHERE id > ? AND recorded_at < ? ORDER BY id`)
      .all(id, recordedBefore) as LoggedEvent[];
  }

  /** The oldest event still in the log (older ones are only in the Parquet archive). */
  oldestTs(): number | undefined {
    return (this.db.prepare(`SELECT MIN(ts) AS ts FROM fence_events`).get() as { ts: number | null }).ts ?? undefined;
  }
}
