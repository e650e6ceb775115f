/** Queue rows as items: the SQL that joins an item to its event, the webhook body, filter conditions, and the retention that removes delivered ones. */
import type Database from 'better-sqlite3';
import type { FenceEvent } from '../../shared/fence-event';
import { isFixTime } from '../../shared/position';
import type { ItemFilter, ItemStatus, QueueItem } from './queue-types';

/** The webhook body: Standard Webhooks' recommended envelope around the FenceEvent; an event whose time is not one throws, saying so. */
export function payloadOf(e: FenceEvent): string {
  if (!isFixTime(e.timestamp)) throw new Error(`the event's timestamp ${e.timestamp} is not a time from 1970 to 2200 in epoch milliseconds`);
  return JSON.stringify({ type: `fence.${e.event_type}`, timestamp: new Date(e.timestamp).toISOString(), data: e });
}

export function eventOfPayload(payload: string): FenceEvent {
  return (JSON.parse(payload) as { data: FenceEvent }).data;
}

/** The states an item is still open in. */
export const OPEN = `('pending', 'processing', 'failed')`;

export interface Row {
  seq: number;
  event_id: number | null;
  target_id: string;
  partition_key: string;
  payload: string | null;
  status: ItemStatus;
  attempts: number;
  max_attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
  replayed: number;
  delivery_id: string | null;
  // The event's columns (null for a replayed archive event, which carries its payload).
  e_type: FenceEvent['event_type'] | null;
  e_fence: string | null;
  e_device: string | null;
  e_ts: number | null;
  e_lat: number | null;
  e_lon: number | null;
  e_grp: string | null;
  e_source: FenceEvent['source'] | null;
}

/** Items with their event's columns, for building the body; read through `index` when given (SQLite's INDEXED BY). */
export const itemSelect = (index?: string) =>
  `SELECT q.*, e.event_type AS e_type, e.fence_id AS e_fence, e.device_id AS e_device, e.ts AS e_ts, e.lat AS e_lat, e.lon AS e_lon,
  e.grp AS e_grp, e.source AS e_source FROM delivery_queue q ${index ? `INDEXED BY ${index} ` : ''}LEFT JOIN fence_events e ON e.id = q.event_id`;
export const ITEM_SELECT = itemSelect();

const eventOfRow = (r: Row): FenceEvent => ({
  event_type: r.e_type!,
  fence_id: r.e_fence!,
  device_id: r.e_device!,
  position: { lat: r.e_lat!, lon: r.e_lon! },
  timestamp: r.e_ts!,
  ...(r.e_grp ? { group: r.e_grp } : {}),
  source: r.e_source!,
});

/** An item's body; one that cannot be rendered says why, and goes to the dead-letter queue instead of being sent. */
function rendered(r: Row): Pick<QueueItem, 'payload' | 'renderError'> {
  if (r.payload !== null) return { payload: r.payload };
  try {
    return { payload: payloadOf(eventOfRow(r)) };
  } catch (err) {
    return { payload: '', renderError: (err as Error).message };
  }
}

/** The id an item is delivered under: derived from its event and target, or (queued before, or a replay) from the file and its seq. */
export const itemIdOf = (r: Pick<Row, 'seq' | 'delivery_id'>, instance: string): string => r.delivery_id ?? `msg_${instance}${r.seq.toString(36)}`;

export const toItem = (r: Row, instance: string): QueueItem => ({
  seq: r.seq,
  id: itemIdOf(r, instance),
  eventId: r.event_id,
  targetId: r.target_id,
  partitionKey: r.partition_key,
  ...rendered(r),
  status: r.status,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  completedAt: r.completed_at,
  replayed: r.replayed === 1,
});

/**
 * The conditions of an item filter over `delivery_queue q` (and `fence_events e`, joined only when `join`
 * says so: a device is known from its event); `seqOf` reads a delivery id. The status is written into
 * the SQL, not bound, so SQLite can use the indexes kept for one status.
 */
export function itemConditions(
  filter: ItemFilter,
  status: ItemStatus,
  seqOf: (id: string) => number | undefined,
): { sql: string; args: unknown[]; join: boolean } {
  const where = conditions([
    [`q.status = '${status}'`],
    [filter.ids && `q.seq IN (${filter.ids.map(() => '?').join(', ') || 'NULL'})`, ...(filter.ids ?? []).map((id) => seqOf(id) ?? -1)],
    [filter.fenceId && 'q.partition_key = ?', filter.fenceId],
    [filter.targetId && 'q.target_id = ?', filter.targetId],
    [filter.deviceId && `coalesce(e.device_id, json_extract(q.payload, '$.data.device_id')) = ?`, filter.deviceId],
    [filter.error && 'instr(q.last_error, ?) > 0', filter.error],
    [filter.from !== undefined && 'q.created_at >= ?', filter.from],
    [filter.to !== undefined && 'q.created_at < ?', filter.to],
  ]);
  return { ...where, join: Boolean(filter.deviceId) };
}

/** ANDs the conditions whose SQL is given (a falsy SQL drops the condition and its arguments). */
export function conditions(parts: readonly [sql: string | false | undefined | 0 | '', ...args: unknown[]][]): { sql: string; args: unknown[] } {
  const used = parts.filter((p): p is [string, ...unknown[]] => Boolean(p[0]));
  return { sql: used.length ? used.map((p) => p[0]).join(' AND ') : '1', args: used.flatMap((p) => p.slice(1)) };
}

/** Removes the items delivered before `cutoff`, with their attempts, in one transaction; returns how many items went. */
export function deleteCompletedBefore(db: Database.Database, cutoff: number): number {
  return db
    .transaction(() => {
      db.prepare(`DELETE FROM delivery_log WHERE item_seq IN (SELECT seq FROM delivery_queue WHERE status = 'completed' AND completed_at < ?)`).run(cutoff);
      return db.prepare(`DELETE FROM delivery_queue WHERE status = 'completed' AND completed_at < ?`).run(cutoff).changes;
    })
    .immediate();
}
