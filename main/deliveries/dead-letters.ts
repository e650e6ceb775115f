import type Database from 'better-sqlite3';
import { ITEM_SELECT, itemConditions, itemSelect, toItem, type Row } from './queue-items';
import type { Attempt, ItemFilter, QueueItem } from './queue-types';

/** How the dead-letter list is ordered. */
export type DeadLetterSort = 'failed' | 'created' | 'attempts' | 'target' | 'fence';

/**
 * The indexes kept for dead letters only: SQLite, left to itself, walks the status index and sorts
 * 100k rows for a page of 100; through these it reads the page in order and counts without sorting.
 */
const BY_FAILED = 'delivery_queue_dlq_updated';
const BY_TARGET = 'delivery_queue_dlq_target';
const BY_ERROR = 'delivery_queue_dlq_error';
const BY_FENCE = 'delivery_queue_dlq_fence';

const ORDER: Record<DeadLetterSort, string> = {
  failed: 'q.updated_at',
  created: 'q.created_at',
  attempts: 'q.attempts',
  target: 'q.target_id',
  fence: 'q.partition_key',
};

/** A discard can be undone for this long; then its items are gone. */
export const UNDO_DISCARD_MS = 60_000;

/** The items a filter reads: joined with their events only when it asks for a device. */
const from = (join: boolean, index?: string) =>
  `delivery_queue q${index ? ` INDEXED BY ${index}` : ''}${join ? ' LEFT JOIN fence_events e ON e.id = q.event_id' : ''}`;

/** Items that ran out of attempts or could not be delivered: listed, inspected with every attempt, requeued, discarded. */
export class DeadLetters {
  /** The queue's columns, in order: a discarded item goes back with every one of them. */
  private readonly columns: string;
  /** Names each discard (epoch ms, made unique) for its undo. */
  private lastBatch = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => number,
    /** Prefixes the ids of items named before ids were derived, and of replays: random per database file. */
    private readonly instance: string,
    /** Tries a requeue grants: another round of the queue's `maxAttempts`. */
    private readonly maxAttempts: number,
    /** Called when dead letters change (the worker wakes when some are pending again). */
    private readonly changed: (requeued: boolean) => void,
  ) {
    this.columns = (db.prepare(`PRAGMA table_info(delivery_queue)`).all() as { name: string }[]).map((c) => `"${c.name}"`).join(', ');
  }

  list(
    filter: ItemFilter = {},
    page: { limit?: number; offset?: number; sort?: DeadLetterSort; descending?: boolean } = {},
  ): { total: number; items: QueueItem[] } {
    const { sql, args, join } = this.where(filter);
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM ${from(join)} WHERE ${sql}`).get(...args) as { n: number }).n;
    const direction = (page.descending ?? true) ? 'DESC' : 'ASC';
    const rows = this.db
      .prepare(
        `${itemSelect(filter.fenceId && (page.sort ?? 'failed') === 'failed' ? BY_FENCE : (page.sort ?? 'failed') === 'failed' ? BY_FAILED : undefined)} WHERE ${sql} ORDER BY ${ORDER[page.sort ?? 'failed']} ${direction}, q.seq ${direction} LIMIT ? OFFSET ?`,
      )
      .all(...args, page.limit ?? 100, page.offset ?? 0) as Row[];
    return { total, items: rows.map((r) => toItem(r, this.instance)) };
  }

  /** Dead letters matching the filter, counted per target and per error (the most frequent errors first). */
  counts(filter: ItemFilter = {}, errors = 20): { byTarget: Record<string, number>; byError: { error: string; count: number }[] } {
    const { sql, args, join } = this.where(filter);
    const byTarget = this.db
      .prepare(`SELECT q.target_id AS target, COUNT(*) AS n FROM ${from(join, filter.fenceId ? BY_FENCE : BY_TARGET)} WHERE ${sql} GROUP BY 1`)
      .all(...args) as {
      target: string;
      n: number;
    }[];
    const byError = this.db
      .prepare(
        `SELECT coalesce(q.last_error, '') AS error, COUNT(*) AS count FROM ${from(join, filter.fenceId ? BY_FENCE : BY_ERROR)} WHERE ${sql} GROUP BY q.last_error ORDER BY 2 DESC, 1 LIMIT ?`,
      )
      .all(...args, errors) as { error: string; count: number }[];
    return { byTarget: Object.fromEntries(byTarget.map((r) => [r.target, r.n])), byError };
  }

  /** One item (dead or not) with every attempt, oldest first. */
  get(id: string): { item: QueueItem; attempts: Attempt[] } | undefined {
    const seq = this.seqOf(id);
    const row = seq === undefined ? undefined : (this.db.prepare(`${ITEM_SELECT} WHERE q.seq = ?`).get(seq) as Row | undefined);
    if (!row) return undefined;
    const attempts = (
      this.db
        .prepare(`SELECT attempt, target_id, status, http_status, latency_ms, error, at, response FROM delivery_log WHERE item_seq = ? ORDER BY id`)
        .all(row.seq) as {
        attempt: number;
        target_id: string;
        status: Attempt['status'];
        http_status: number | null;
        latency_ms: number;
        error: string | null;
        at: number;
        response: string | null;
      }[]
    ).map((a) => ({
      attempt: a.attempt,
      targetId: a.target_id,
      status: a.status,
      httpStatus: a.http_status,
      latencyMs: a.latency_ms,
      error: a.error,
      at: a.at,
      response: a.response,
    }));
    return { item: toItem(row, this.instance), attempts };
  }

  /**
   * Back to pending for another round of tries: the attempts so far stay counted (the next is numbered on
   * from the last, as the delivery log keeps every one), and the round's tries are added to its maximum.
   */
  requeue(filter: ItemFilter = {}): number {
    const { sql, args, join } = this.where(filter);
    const now = this.clock();
    const n = this.db
      .prepare(
        `UPDATE delivery_queue SET status = 'pending', max_attempts = attempts + ?, next_attempt_at = ?, updated_at = ?
         WHERE seq IN (SELECT q.seq FROM ${from(join)} WHERE ${sql})`,
      )
      .run(this.maxAttempts, now, now, ...args).changes;
    if (n > 0) this.changed(true);
    return n;
  }

  /**
   * Takes dead letters out of the queue (their attempts stay in the delivery log); `undoDiscard(batch)`
   * puts them back for a minute, then they are gone.
   */
  discard(filter: ItemFilter = {}): { discarded: number; batch: number } {
    const { sql, args, join } = this.where(filter);
    const batch = (this.lastBatch = Math.max(this.clock(), this.lastBatch + 1));
    const discarded = this.db
      .transaction(() => {
        this.purgeDiscarded();
        const taken = `SELECT q.seq FROM ${from(join)} WHERE ${sql}`;
        this.db
          .prepare(`INSERT OR REPLACE INTO discarded (${this.columns}, batch) SELECT ${this.columns}, ? FROM delivery_queue WHERE seq IN (${taken})`)
          .run(batch, ...args);
        return this.db.prepare(`DELETE FROM delivery_queue WHERE seq IN (${taken})`).run(...args).changes;
      })
      .immediate();
    if (discarded > 0) this.changed(false);
    return { discarded, batch };
  }

  /** Puts back what a discard took, as it was (within a minute of it); returns how many. */
  undoDiscard(batch: number): number {
    const restored = this.db
      .transaction(() => {
        const n = this.db
          .prepare(`INSERT OR IGNORE INTO delivery_queue (${this.columns}) SELECT ${this.columns} FROM discarded WHERE batch = ?`)
          .run(batch).changes;
        this.db.prepare(`DELETE FROM discarded WHERE batch = ?`).run(batch);
        return n;
      })
      .immediate();
    if (restored > 0) this.changed(false);
    return restored;
  }

  /** Forgets discards older than the undo window. */
  purgeDiscarded(): number {
    return this.db.prepare(`DELETE FROM discarded WHERE batch < ?`).run(this.clock() - UNDO_DISCARD_MS).changes;
  }

  private where(filter: ItemFilter): { sql: string; args: unknown[]; join: boolean } {
    return itemConditions(filter, 'dlq', (id) => this.seqOf(id));
  }

  /** The item a delivery id names: derived ids are looked up, older ones carry their seq (undefined for another file's id). */
  private seqOf(id: string): number | undefined {
    const derived = this.db.prepare(`SELECT seq FROM delivery_queue WHERE delivery_id = ?`).get(id) as { seq: number } | undefined;
    if (derived) return derived.seq;
    const prefix = `msg_${this.instance}`;
    if (!id.startsWith(prefix) || !/^[0-9a-z]+$/.test(id.slice(prefix.length))) return undefined;
    return parseInt(id.slice(prefix.length), 36);
  }
}
