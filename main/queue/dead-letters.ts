import type Database from 'better-sqlite3';
import { ITEM_SELECT, itemConditions, toItem, type Row } from './queue-items';
import type { Attempt, ItemFilter, QueueItem } from './queue-types';

/** Items that ran out of attempts or could not be delivered: listed, inspected with every attempt, requeued, discarded. */
export class DeadLetters {
  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => number,
    /** Prefixes every delivery id: random per database file. */
    private readonly instance: string,
    /** Called when items become pending again (the worker wakes on it). */
    private readonly requeued: () => void,
  ) {}

  list(filter: ItemFilter = {}, page: { limit?: number; offset?: number } = {}): { total: number; items: QueueItem[] } {
    const { sql, args } = this.where(filter);
    const total = (
      this.db.prepare(`SELECT COUNT(*) AS n FROM delivery_queue q LEFT JOIN fence_events e ON e.id = q.event_id WHERE ${sql}`).get(...args) as { n: number }
    ).n;
    const rows = this.db
      .prepare(`${ITEM_SELECT} WHERE ${sql} ORDER BY q.updated_at DESC, q.seq DESC LIMIT ? OFFSET ?`)
      .all(...args, page.limit ?? 100, page.offset ?? 0) as Row[];
    return { total, items: rows.map((r) => toItem(r, this.instance)) };
  }

  /** One item (dead or not) with every attempt, oldest first. */
  get(id: string): { item: QueueItem; attempts: Attempt[] } | undefined {
    const seq = this.seqOf(id);
    const row = seq === undefined ? undefined : (this.db.prepare(`${ITEM_SELECT} WHERE q.seq = ?`).get(seq) as Row | undefined);
    if (!row) return undefined;
    const attempts = (
      this.db
        .prepare(`SELECT attempt, target_id, status, http_status, latency_ms, error, at FROM delivery_log WHERE item_seq = ? ORDER BY id`)
        .all(row.seq) as {
        attempt: number;
        target_id: string;
        status: Attempt['status'];
        http_status: number | null;
        latency_ms: number;
        error: string | null;
        at: number;
      }[]
    ).map((a) => ({
      attempt: a.attempt,
      targetId: a.target_id,
      status: a.status,
      httpStatus: a.http_status,
      latencyMs: a.latency_ms,
      error: a.error,
      at: a.at,
    }));
    return { item: toItem(row, this.instance), attempts };
  }

  /** Back to pending with attempts reset; the delivery log keeps every earlier attempt. */
  requeue(filter: ItemFilter = {}): number {
    const { sql, args } = this.where(filter);
    const now = this.clock();
    const n = this.db
      .prepare(
        `UPDATE delivery_queue SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
         WHERE seq IN (SELECT q.seq FROM delivery_queue q LEFT JOIN fence_events e ON e.id = q.event_id WHERE ${sql})`,
      )
      .run(now, now, ...args).changes;
    if (n > 0) this.requeued();
    return n;
  }

  /** Deletes dead letters; their attempts stay in the delivery log. */
  discard(filter: ItemFilter = {}): number {
    const { sql, args } = this.where(filter);
    return this.db
      .prepare(`DELETE FROM delivery_queue WHERE seq IN (SELECT q.seq FROM delivery_queue q LEFT JOIN fence_events e ON e.id = q.event_id WHERE ${sql})`)
      .run(...args).changes;
  }

  private where(filter: ItemFilter): { sql: string; args: unknown[] } {
    return itemConditions(filter, 'dlq', (id) => this.seqOf(id));
  }

  /** The seq inside a delivery id of this file (undefined for another file's id). */
  private seqOf(id: string): number | undefined {
    const prefix = `msg_${this.instance}`;
    if (!id.startsWith(prefix) || !/^[0-9a-z]+$/.test(id.slice(prefix.length))) return undefined;
    return parseInt(id.slice(prefix.length), 36);
  }
}
