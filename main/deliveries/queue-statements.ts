import type Database from 'better-sqlite3';
import { ITEM_SELECT, itemSelect, OPEN, type Row } from './queue-items';
import type { ItemStatus } from './queue-types';

/** The statements of the queue's core (delivery-queue.ts), prepared once per file: events in, items claimed, attempts recorded. */
export function queueStatements(db: Database.Database) {
  return {
    seen: db.prepare<[string, number, string, string], { id: number; recorded_at: number }>(
      `SELECT id, recorded_at FROM fence_events INDEXED BY fence_events_ts WHERE fence_id = ? AND ts = ? AND device_id = ? AND event_type = ? ORDER BY id DESC LIMIT 1`,
    ),
    repeat: db.prepare(`UPDATE fence_events SET repeats = repeats + 1 WHERE id = ?`),
    eventPut: db.prepare(
      `INSERT INTO fence_events (event_type, fence_id, device_id, ts, lat, lon, grp, source, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    itemPut: db.prepare(
      `INSERT OR IGNORE INTO delivery_queue (event_id, target_id, partition_key, payload, status, max_attempts, next_attempt_at, created_at, updated_at, delivery_id)
       VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
    ),
    // An event all of whose items were refused as repeats (their ids queued already): it was never new.
    eventDrop: db.prepare(`DELETE FROM fence_events WHERE id = ?`),
    replayPut: db.prepare(
      `INSERT INTO delivery_queue (event_id, target_id, partition_key, payload, status, max_attempts, next_attempt_at, created_at, updated_at, replayed)
       VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, 1)`,
    ),
    markPut: db.prepare(
      `INSERT INTO ingest_mark (stream, high_water) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET high_water = MAX(high_water, excluded.high_water)`,
    ),
    markGet: db.prepare<[string], { high_water: number }>(`SELECT high_water FROM ingest_mark WHERE stream = ?`),
    // A skip-scan: the first open item of the next partition after (partition, target).
    nextHead: db.prepare<[string, string], { seq: number; partition_key: string; target_id: string; status: ItemStatus; next_attempt_at: number }>(
      `SELECT seq, partition_key, target_id, status, next_attempt_at FROM delivery_queue INDEXED BY delivery_queue_open
       WHERE status IN ${OPEN} AND (partition_key, target_id) > (?, ?) ORDER BY partition_key, target_id, seq LIMIT 1`,
    ),
    headOf: db.prepare<[string, string], { seq: number; status: ItemStatus; next_attempt_at: number }>(
      `SELECT seq, status, next_attempt_at FROM delivery_queue INDEXED BY delivery_queue_open
       WHERE partition_key = ? AND target_id = ? AND status IN ${OPEN} ORDER BY seq LIMIT 1`,
    ),
    // A partition's open items from its head on, in order: the head and the run behind it, in one read,
    // iterated as far as the run goes (a LIMIT bound as a parameter made reading one row 5× as long).
    run: db.prepare<[string, string, number], Row>(
      `${itemSelect('delivery_queue_open')} WHERE q.partition_key = ? AND q.target_id = ? AND q.seq >= ? AND q.status IN ${OPEN} ORDER BY q.seq`,
    ),
    due: db.prepare<[number, number], Row>(
      `${ITEM_SELECT} WHERE q.status IN ('pending', 'failed') AND q.next_attempt_at <= ? ORDER BY q.next_attempt_at, q.seq LIMIT ?`,
    ),
    log: db.prepare(
      `INSERT INTO delivery_log (item_seq, attempt, target_id, status, http_status, latency_ms, error, at, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    complete: db.prepare(
      `UPDATE delivery_queue SET status = 'completed', attempts = attempts + 1, last_error = NULL, completed_at = ?, updated_at = ? WHERE seq = ? AND status <> 'completed'`,
    ),
    fail: db.prepare(
      `UPDATE delivery_queue SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE seq = ? AND status IN ${OPEN}`,
    ),
    // The first retry after a time (waiting items are claimed at their due time, never before it).
    retryAfter: db
      .prepare<[number], number>(
        `SELECT next_attempt_at FROM delivery_queue INDEXED BY delivery_queue_waiting
       WHERE status IN ('pending', 'failed') AND next_attempt_at > ? ORDER BY next_attempt_at LIMIT 1`,
      )
      .pluck(),
  };
}

export type QueueStatements = ReturnType<typeof queueStatements>;
