import type Database from 'better-sqlite3';
import type { FenceEvent } from '../../shared/fence-event';
import { openDatabase } from '../sqlite';
import { backoffDelayMs } from './backoff';
import { DeadLetters } from './dead-letters';
import { EventLog } from './event-log';
import type { QueueFigures } from '../../shared/rpc';
import type { Health } from './health';
import { payloadOf, toItem, type Row } from './queue-items';
import { queueStatements, type QueueStatements } from './queue-statements';
import { DeliveryTally } from './queue-history';
import { completedCount, openCounts, queueFigures } from './queue-figures';
import { RecentActivity } from './recent-activity';
import { QueueTargets } from './queue-targets';
import {
  DEFAULT_QUEUE_SETTINGS,
  FEED_TARGET,
  type AttemptOutcome,
  type EnqueueResult,
  type QueueItem,
  type QueueSettings,
  type RoutedEvent,
} from './queue-types';
import { QUEUE_MIGRATIONS } from './schema';

export * from './queue-types';

/** How often a claim walks every partition instead of only those that changed (retries come due). */
const WALK_MS = 250;
export { eventOfPayload, payloadOf } from './queue-items';

export interface DeliveryQueueOptions {
  settings?: Partial<QueueSettings>;
  clock?: () => number;
  random?: () => number;
  /** How long to wait for another process's lock on the file before refusing it. */
  busyTimeoutMs?: number;
}

/**
 * The durable delivery queue on one SQLite file: one writer, batched transactions. Every method is
 * synchronous (better-sqlite3); the worker around it does the network. This is its core (events in,
 * items claimed, attempts recorded); its other rooms share the file: `targets` (queue-targets.ts),
 * `deadLetters` (dead-letters.ts), `log` (event-log.ts), and the figures in queue-figures.ts over the last
 * hour kept in `recent` (recent-activity.ts).
 */
export class DeliveryQueue {
  readonly settings: QueueSettings;
  readonly targets: QueueTargets;
  readonly deadLetters: DeadLetters;
  readonly log: EventLog;
  /** Events recorded and deliveries attempted since the history last sampled them (queue-history.ts). */
  readonly tally = new DeliveryTally();
  /** The last hour's attempts per target and events per fence, for the figures. */
  readonly recent = new RecentActivity();
  /** Counts the figures computed, and the changes of dead letters and targets (`QueueFigures`' revision and changes). */
  private revision = 0;
  private changeCount = 0;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly listeners = new Set<() => void>();
  private readonly changeListeners = new Set<() => void>();
  private readonly st: QueueStatements;
  /** Prefixes every delivery id: random per database file. */
  private readonly instance: string;
  /**
   * Items out with a worker, by seq → the worker. Only the engine's memory knows: one engine works a data
   * dir, so what was out when it stopped is simply waiting again when the file opens next — and a claim
   * writes nothing (it used to mark every item, touching each fence's page of the open index twice).
   */
  private readonly claimed = new Map<number, string>();
  /** Where the last FIFO claim stopped: the next starts after it, so every partition gets its turn. */
  private cursor: [string, string] = ['', ''];
  /**
   * (fence, target) partitions that may have a claimable head since the last claim: an item enqueued, an
   * attempt recorded, a run released. A claim visits only these; every WALK_MS it walks them all
   * (retries come due), so nothing waits on this set for longer than that.
   */
  private readonly ready = new Set<string>();
  private walkedAt = -Infinity;

  private constructor(
    readonly db: Database.Database,
    readonly file: string,
    options: DeliveryQueueOptions,
  ) {
    this.settings = { ...DEFAULT_QUEUE_SETTINGS, ...options.settings };
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.instance = (db.prepare(`SELECT value FROM meta WHERE key = 'instance'`).get() as { value: string }).value;
    this.targets = new QueueTargets(db, this.clock, () => {
      this.walkedAt = -Infinity;
      this.changed();
    });
    this.deadLetters = new DeadLetters(db, this.clock, this.instance, this.settings.maxAttempts, (requeued) => {
      if (requeued) {
        this.walkedAt = -Infinity;
        this.notify();
      }
      this.changed();
    });
    this.log = new EventLog(db);
    this.recent.seed(db, this.clock());
    this.st = queueStatements(db);
  }

  static open(file: string, options: DeliveryQueueOptions = {}): DeliveryQueue {
    const synchronous = options.settings?.synchronous ?? DEFAULT_QUEUE_SETTINGS.synchronous;
    return new DeliveryQueue(openDatabase(file, { migrations: QUEUE_MIGRATIONS, synchronous, busyTimeoutMs: options.busyTimeoutMs }), file, options);
  }

  close(): void {
    this.listeners.clear();
    this.changeListeners.clear();
    this.db.close();
  }

  /** Called whenever items become pending (enqueue, requeue, replay): the worker wakes on it. */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  /** Called when dead letters or targets change (an item dead-lettered, requeued, discarded; a target added, edited, disabled, removed). */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(): void {
    this.changeCount++;
    for (const l of this.changeListeners) l();
  }

  /**
   * Records events and queues one item per (event, target), in one transaction — with the ingest
   * high-water mark when given, so an event is never queued twice nor lost across a crash.
   */
  enqueue(events: readonly RoutedEvent[], options: { highWater?: { stream: string; seq: number } } = {}): EnqueueResult {
    const now = this.clock();
    const { dedupWindowMs, maxAttempts, feed } = this.settings;
    const windowStart = now - dedupWindowMs;
    const enabled = new Set(this.st.enabledTargets.all().map((t) => t.id));
    const result: EnqueueResult = { recorded: 0, duplicates: 0, items: 0 };
    this.db
      .transaction(() => {
        for (const e of events) {
          const seen = this.st.seen.get(e.fence_id, e.timestamp, e.device_id, e.event_type);
          if (seen && seen.recorded_at > windowStart) {
            this.st.repeat.run(seen.id);
            result.duplicates++;
            continue;
          }
          const eventId = Number(
            this.st.eventPut.run(e.event_type, e.fence_id, e.device_id, e.timestamp, e.position.lat, e.position.lon, e.group ?? null, e.source, now)
              .lastInsertRowid,
          );
          result.recorded++;
          // By the event's time, never past now: a device's clock ahead would hold a minute of the hour to come.
          this.recent.recorded(e.fence_id, Math.min(e.timestamp, now));
          const named = e.targets ?? [...enabled].filter((t) => t !== FEED_TARGET);
          for (const target of new Set(feed ? [FEED_TARGET, ...named] : named)) {
            if (!enabled.has(target)) continue;
            this.st.itemPut.run(eventId, target, e.fence_id, null, maxAttempts, now, now, now);
            this.ready.add(`${e.fence_id}\u0000${target}`);
            result.items++;
          }
        }
        if (options.highWater) this.st.markPut.run(options.highWater.stream, options.highWater.seq);
      })
      .immediate();
    this.tally.recorded(result.recorded);
    if (result.recorded > 0) this.recent.changed();
    if (result.items > 0) this.notify();
    return result;
  }

  /** The ingest high-water mark committed with events (0 when none). */
  highWater(stream: string): number {
    return this.st.markGet.get(stream)?.high_water ?? 0;
  }

  /**
   * Claims up to `limit` items for `owner`. FIFO: a (fence, target) partition yields only its head and the
   * pending items right behind it, in order — the worker delivers each run in sequence.
   */
  claim(owner: string, limit: number, runMax = 50): QueueItem[] {
    const now = this.clock();
    // Nothing changed since the last claim and no walk is due: not even a read (a worker wakes often).
    if (this.settings.fifoPerFence && this.ready.size === 0 && now - this.walkedAt < WALK_MS) return [];
    const claimed: Row[] = [];
    const takeRun = (head: { seq: number; partition_key: string; target_id: string }) => {
      const rows = this.st.run.all(head.partition_key, head.target_id, head.seq, Math.min(runMax, limit - claimed.length));
      claimed.push(rows[0]);
      // Behind the head, the items waiting their first attempt (a retried item is only ever a head).
      for (let i = 1; i < rows.length && rows[i].status === 'pending' && rows[i].next_attempt_at <= now; i++) claimed.push(rows[i]);
    };
    const free = (head: { seq: number; next_attempt_at: number }) => !this.claimed.has(head.seq) && head.next_attempt_at <= now;
    if (this.settings.fifoPerFence && now - this.walkedAt < WALK_MS) {
      // Only the partitions that changed: walking every fence's queue at each wake saturated the thread.
      for (const key of this.ready) {
        if (claimed.length >= limit) break;
        this.ready.delete(key);
        const [partition_key, target_id] = key.split('\u0000') as [string, string];
        const head = this.st.headOf.get(partition_key, target_id);
        if (head && free(head)) takeRun({ seq: head.seq, partition_key, target_id });
      }
    } else if (this.settings.fifoPerFence) {
      this.walkedAt = now;
      // Round the partitions from where the last claim stopped, each visited once.
      const visited = new Set<string>();
      let [pk, tg] = this.cursor;
      while (claimed.length < limit) {
        let head = this.st.nextHead.get(pk, tg);
        if (!head) {
          if (pk === '' && tg === '') break;
          [pk, tg] = ['', ''];
          head = this.st.nextHead.get('', '');
          if (!head) break;
        }
        const key = `${head.partition_key}\u0000${head.target_id}`;
        if (visited.has(key)) break;
        visited.add(key);
        this.ready.delete(key);
        [pk, tg] = [head.partition_key, head.target_id];
        if (free(head)) takeRun(head);
      }
      this.cursor = [pk, tg];
    } else {
      claimed.push(
        ...this.st.due
          .all(now, limit + this.claimed.size)
          .filter((r) => !this.claimed.has(r.seq))
          .slice(0, limit),
      );
    }
    for (const r of claimed) this.claimed.set(r.seq, owner);
    return claimed.map((r) => ({ ...toItem(r, this.instance), status: 'processing' as const }));
  }

  /** Returns claimed, unattempted items to the pool (a run cut short by a failure ahead of them, or a worker stopping). */
  release(items: readonly QueueItem[], owner: string): void {
    for (const item of items) {
      if (this.claimed.get(item.seq) === owner) this.claimed.delete(item.seq);
      this.ready.add(`${item.partitionKey}\u0000${item.targetId}`);
    }
  }

  /** Records attempts (one transaction): the audit row, then the item's next state. */
  record(results: readonly { item: QueueItem; outcome: AttemptOutcome }[], owner: string): void {
    if (results.length === 0) return;
    const now = this.clock();
    let dead = false;
    this.db
      .transaction(() => {
        for (const { item, outcome } of results) {
          const attempt = item.attempts + 1;
          this.st.log.run(
            item.seq,
            attempt,
            item.targetId,
            outcome.status,
            outcome.httpStatus ?? null,
            outcome.latencyMs,
            outcome.error ?? null,
            now,
            outcome.response ?? null,
          );
          if (outcome.status === 'success') {
            this.st.complete.run(now, now, item.seq);
            continue;
          }
          const error = outcome.error ?? `HTTP ${outcome.httpStatus}`;
          if (outcome.gone || attempt >= item.maxAttempts) dead = true;
          // A requeued item starts another round: its backoff starts again too, while its attempts count on.
          const round = attempt - Math.max(0, item.maxAttempts - this.settings.maxAttempts);
          if (outcome.gone) {
            this.st.disable.run(`the receiver answered 410 Gone at ${new Date(now).toISOString()}`, now, item.targetId);
            this.st.fail.run('dlq', attempt, now, `${error} (target disabled)`, now, item.seq);
          } else if (attempt >= item.maxAttempts) {
            this.st.fail.run('dlq', attempt, now, error, now, item.seq);
          } else {
            const wait = outcome.retryAfterMs ?? backoffDelayMs(Math.max(1, round), this.settings.backoff, this.random());
            this.st.fail.run('failed', attempt, now + wait, error, now, item.seq);
          }
        }
      })
      .immediate();
    for (const { item, outcome } of results) {
      if (this.claimed.get(item.seq) === owner) this.claimed.delete(item.seq);
      this.ready.add(`${item.partitionKey}\u0000${item.targetId}`);
      if (item.targetId !== FEED_TARGET) this.tally.attempted(outcome.status === 'success', outcome.latencyMs);
      const error = outcome.status === 'success' ? null : (outcome.error ?? `HTTP ${outcome.httpStatus}`);
      this.recent.attempted(item.targetId, { at: now, status: outcome.status, http_status: outcome.httpStatus ?? null, error }, outcome.latencyMs);
    }
    this.recent.changed();
    if (dead) this.changed();
  }

  /** Moves claimed items of a disabled target straight to the DLQ, saying why. */
  refuse(items: readonly QueueItem[], owner: string, reason: string): void {
    const now = this.clock();
    this.db.transaction(() => {
      for (const item of items) this.st.fail.run('dlq', item.attempts, now, reason, now, item.seq);
    })();
    this.release(items, owner);
    if (items.length) this.changed();
  }

  /**
   * When the next item not out with a worker becomes due; undefined when nothing waits, or when the first
   * few waiting are all out (their worker wakes when they are done: no need to look past them all).
   */
  nextDueAt(): number | undefined {
    return this.st.nextDue.all(8).find((r) => !this.claimed.has(r.seq))?.at;
  }

  /**
   * Re-delivers events to one target as new items (new delivery ids: a replay is a new delivery that a
   * receiver must not dedupe away), bypassing dedup. Returns the ids, in event order.
   */
  replay(events: readonly (FenceEvent & { eventId?: number })[], targetId: string): string[] {
    const target = this.targets.get(targetId);
    if (!target) throw new Error(`no target "${targetId}"`);
    const now = this.clock();
    const ids: string[] = [];
    this.db
      .transaction(() => {
        for (const { eventId, ...e } of events) {
          const seq = Number(
            this.st.replayPut.run(eventId ?? null, targetId, e.fence_id, eventId === undefined ? payloadOf(e) : null, this.settings.maxAttempts, now, now, now)
              .lastInsertRowid,
          );
          ids.push(`msg_${this.instance}${seq.toString(36)}`);
          this.ready.add(`${e.fence_id}\u0000${targetId}`);
        }
      })
      .immediate();
    if (ids.length) this.notify();
    return ids;
  }

  // ── figures and retention ───────────────────────────────────────────────

  /** The figures every screen shows, computed now (queue-figures.ts). */
  figures(): QueueFigures {
    const f = queueFigures(this.db, this.clock(), this.targets.list(), this.claimed.size, this.recent, this.settings.thresholds);
    return { revision: ++this.revision, changes: this.changeCount, ...f };
  }

  /** The figures, with how many delivered items are kept. */
  metrics(): QueueFigures & { completed_count: number } {
    return { ...this.figures(), completed_count: completedCount(this.db) };
  }

  /** Events recorded per fence in the last hour, and per minute over the last `minutes`. */
  fenceEvents(minutes = 15): { at: number; fences: Record<string, { last_hour: number; per_minute: number[] }> } {
    const at = this.clock();
    return { at, fences: this.recent.fences(at, minutes) };
  }

  /** Items waiting, being delivered, and dead: from their indexes, cheap enough to sample every few seconds. */
  openCounts(): { pending: number; processing: number; dlq: number } {
    return openCounts(this.db, this.claimed.size);
  }

  health(): Health & { metrics: QueueFigures } {
    const metrics = this.figures();
    return { status: metrics.status, reasons: metrics.reasons, metrics };
  }

  /** Removes completed items past retention, with their attempts. */
  applyRetention(): { items: number } {
    const now = this.clock();
    const cutoff = now - this.settings.retentionDays * 86_400_000;
    return this.db
      .transaction(() => {
        this.db
          .prepare(`DELETE FROM delivery_log WHERE item_seq IN (SELECT seq FROM delivery_queue WHERE status = 'completed' AND completed_at < ?)`)
          .run(cutoff);
        const items = this.db.prepare(`DELETE FROM delivery_queue WHERE status = 'completed' AND completed_at < ?`).run(cutoff).changes;
        return { items };
      })
      .immediate();
  }
}
