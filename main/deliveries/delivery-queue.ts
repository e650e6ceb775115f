import type Database from 'better-sqlite3';
import type { FenceEvent } from '../../shared/fence-event';
import { openDatabase } from '../sqlite';
import { DeadLetters } from './dead-letters';
import { EventLog } from './event-log';
import type { QueueFigures } from '../../shared/rpc';
import type { Health } from './health';
import { deleteCompletedBefore, payloadOf, toItem } from './queue-items';
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
import { CommitGroup, UnsyncedWrites } from './group-commit';
import { putEvents, type EnqueueCall, type EventWriter } from './queue-enqueue';
import { putAttempts } from './queue-attempts';
import { claimDue, claimRuns, type ClaimState } from './queue-claims';

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
  /** Where the queue says what it dropped (a repeat by delivery id, once). */
  logLine?: (line: string) => void;
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
  private readonly writer: EventWriter;
  /** Prefixes the ids of items named before ids were derived, and of replays: random per database file. */
  private readonly instance: string;
  /** Events refused because their delivery ids were queued already (logged once, then counted). */
  private repeatedIds = 0;
  private readonly logLine: (line: string) => void;
  /**
   * Items out with a worker, by seq → the worker. Only the engine's memory knows: one engine works a data
   * dir, so what was out when it stopped is simply waiting again when the file opens next — and a claim
   * writes nothing (it used to mark every item, touching each fence's page of the open index twice).
   */
  private readonly claimed = new Map<number, string>();
  /** Partitions a claim passed over because their head is out with a worker: recording that attempt frees the rest. */
  private readonly behindOut = new Set<string>();
  /**
   * The earliest retry time not yet walked past: only a failed attempt's record sets a time ahead (every
   * other write queues an item due at once, into `ready`). Null when none waits; undefined: ask the file.
   */
  private retryAt?: number | null;
  /**
   * (fence, target) partitions that may have a claimable head since the last claim: an item enqueued, an
   * attempt recorded, a run released. A claim visits only these; it walks them all when a retry falls due
   * and every WALK_MS besides.
   */
  private readonly ready = new Set<string>();
  /** The above, for claims (queue-claims.ts), with where the last walk stopped. */
  private readonly claims: ClaimState;
  private walkedAt = -Infinity;
  /** Group commits and attempt records, written without their fsync (run on libuv's thread pool). */
  private readonly unsynced: UnsyncedWrites;
  private readonly group: CommitGroup<EnqueueCall, EnqueueResult>;

  private constructor(
    readonly db: Database.Database,
    readonly file: string,
    options: DeliveryQueueOptions,
  ) {
    this.settings = { ...DEFAULT_QUEUE_SETTINGS, ...options.settings };
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.logLine = options.logLine ?? (() => {});
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
    this.claims = { st: this.st, claimed: this.claimed, ready: this.ready, behindOut: this.behindOut, cursor: ['', ''] };
    this.writer = { st: this.st, settings: this.settings, recent: this.recent, repeatedId: (id) => this.repeatedId(id) };
    this.unsynced = new UnsyncedWrites(db, file, this.settings.synchronous);
    this.group = new CommitGroup((calls) => this.commitGroup(calls), this.unsynced.wal);
  }

  static open(file: string, options: DeliveryQueueOptions = {}): DeliveryQueue {
    const synchronous = options.settings?.synchronous ?? DEFAULT_QUEUE_SETTINGS.synchronous;
    return new DeliveryQueue(openDatabase(file, { migrations: QUEUE_MIGRATIONS, synchronous, busyTimeoutMs: options.busyTimeoutMs }), file, options);
  }

  close(): void {
    this.listeners.clear();
    this.changeListeners.clear();
    this.db.close();
    // Closing the file checkpointed and synced it; the handle waits for an fsync still under way.
    void this.unsynced.wal.close().catch(() => {});
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
   * high-water mark when given, so an event is never queued twice nor lost across a crash. Durable when it
   * returns (the fsync on this thread); `enqueueDurably` keeps the fsync off it.
   */
  enqueue(events: readonly RoutedEvent[], options: { highWater?: { stream: string; seq: number } } = {}): EnqueueResult {
    const now = this.clock();
    const enabled = this.targets.enabledIds();
    const result = this.db.transaction(() => putEvents(this.writer, { events, ...options }, now, enabled, this.ready)).immediate();
    this.tally.recorded(result.recorded);
    if (result.recorded > 0) this.recent.changed();
    if (result.items > 0) this.notify();
    return result;
  }

  /**
   * `enqueue`, group-committed: the calls made meanwhile share one transaction and one fsync, run on
   * libuv's thread pool while this thread goes on (group-commit.ts). Resolves once the event is on disk — a
   * crash after that cannot lose it. Its items are delivered meanwhile: only a power cut before the fsync
   * could unsay one, and its caller, never answered, sends it again under the same delivery id. Calls keep
   * their order.
   */
  enqueueDurably(events: readonly RoutedEvent[], options: { highWater?: { stream: string; seq: number } } = {}): Promise<EnqueueResult> {
    return this.group.add({ events, ...options });
  }

  /** Every call of `enqueueDurably` so far answered: before the file closes. */
  settle(): Promise<void> {
    return this.group.idle();
  }

  /** One group of `enqueueDurably` calls in one transaction, without its fsync (WalSync does it). */
  private commitGroup(calls: EnqueueCall[]): EnqueueResult[] {
    const now = this.clock();
    const enabled = this.targets.enabledIds();
    const outputs = this.unsynced.run(() => this.db.transaction(() => calls.map((c) => putEvents(this.writer, c, now, enabled, this.ready))).immediate());
    this.tally.recorded(outputs.reduce((n, r) => n + r.recorded, 0));
    if (outputs.some((r) => r.recorded > 0)) this.recent.changed();
    if (outputs.some((r) => r.items > 0)) this.notify();
    return outputs;
  }

  /** Events refused since the file opened because their delivery ids were queued already. */
  get repeatsById(): number {
    return this.repeatedIds;
  }

  private repeatedId(id: string): void {
    if (this.repeatedIds++ === 0)
      this.logLine(
        `queue: an event came again under a delivery id already queued (${id}), from another engine or a redelivery: dropped; later repeats are dropped and counted without a line each`,
      );
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
    const walkDue = now - this.walkedAt >= WALK_MS || this.retryFellDue(now);
    if (this.settings.fifoPerFence && this.ready.size === 0 && !walkDue) return [];
    if (!this.settings.fifoPerFence || walkDue) this.walkedAt = now;
    const claimed = this.settings.fifoPerFence ? claimRuns(this.claims, now, limit, runMax, walkDue) : claimDue(this.claims, now, limit);
    for (const r of claimed) this.claimed.set(r.seq, owner);
    return claimed.map((r) => ({ ...toItem(r, this.instance), status: 'processing' as const }));
  }

  /** Whether items wait behind an attempt not yet recorded (a claim passed over their partition for its head). */
  get waitingOnHeads(): boolean {
    return this.behindOut.size > 0;
  }

  /** Returns claimed, unattempted items to the pool (a run cut short by a failure ahead of them, or a worker stopping). */
  release(items: readonly QueueItem[], owner: string): void {
    for (const item of items) this.returned(item, owner);
  }

  /** An item back from `owner` (attempted or not): no longer out, and its partition looked at again. */
  private returned(item: QueueItem, owner: string): void {
    if (this.claimed.get(item.seq) === owner) this.claimed.delete(item.seq);
    const key = `${item.partitionKey}\u0000${item.targetId}`;
    this.ready.add(key);
    this.behindOut.delete(key);
  }

  /**
   * Records attempts (one transaction): the audit row, then the item's next state. Fsynced off this thread
   * and waited for by no one: an attempt a power cut unsays is sent again under its id, as one cut short
   * between its answer and this record always was.
   */
  record(results: readonly { item: QueueItem; outcome: AttemptOutcome }[], owner: string): void {
    if (results.length === 0) return;
    const now = this.clock();
    const { dead, earliestRetry } = this.unsynced.run(() =>
      this.db.transaction(() => putAttempts(this.st, results, now, this.settings, this.random, (id, why) => this.targets.disable(id, why, now))).immediate(),
    );
    // Left to the file when unknown (nextDueAt reads it there); otherwise the earliest is kept.
    if (earliestRetry < Infinity && this.retryAt !== undefined) this.retryAt = Math.min(this.retryAt ?? Infinity, earliestRetry);
    this.unsynced.wal.sync().catch((err: Error) => this.logLine(`queue: syncing recorded attempts failed: ${err.message}`));
    for (const { item, outcome } of results) {
      this.returned(item, owner);
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
   * When a worker with nothing to claim must look again: the next retry's time; undefined when none waits.
   * Everything else wakes it: an enqueue, a requeue, an attempt done.
   */
  nextDueAt(): number | undefined {
    const now = this.clock();
    // Once a walk has passed a retry's time, it was claimed there: the next one is read from the file (an index seek).
    if (this.retryAt === undefined || (this.retryAt !== null && this.retryAt <= this.walkedAt)) this.retryAt = this.st.retryAfter.get(now) ?? null;
    return this.retryAt ?? undefined;
  }

  /** Whether a retry fell due since the last walk: the next claim walks every partition. */
  private retryFellDue(now: number): boolean {
    return this.retryAt != null && this.retryAt <= now && this.retryAt > this.walkedAt;
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
    return { items: deleteCompletedBefore(this.db, cutoff) };
  }
}
