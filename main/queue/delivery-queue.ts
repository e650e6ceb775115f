import type Database from 'better-sqlite3';
import type { FenceEvent } from '../../shared/fence-event';
import { isFixTime } from '../../shared/position';
import { DEFAULT_BACKOFF, backoffDelayMs, type BackoffPolicy } from './backoff';
import { fingerprintOf } from './fingerprint';
import { DEFAULT_THRESHOLDS, classifyHealth, type Health, type HealthThresholds, type QueueMetrics } from './health';
import { openDatabase } from '../sqlite';
import { QUEUE_MIGRATIONS } from './schema';

export type ItemStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'dlq';

export interface QueueSettings {
  /** A repeat of an event fingerprint inside this window is counted, not delivered again. */
  dedupWindowMs: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** An item waits until no earlier item of its (fence, target) is open. */
  fifoPerFence: boolean;
  /** A claimed item returns to the pool when its worker has not renewed the lease for this long. */
  leaseMs: number;
  retentionDays: number;
  thresholds: HealthThresholds;
  /** Every event also goes to the built-in `feed` target (the renderer's live event feed). */
  feed: boolean;
  synchronous: 'full' | 'normal';
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  dedupWindowMs: 24 * 3600_000,
  maxAttempts: 5,
  backoff: DEFAULT_BACKOFF,
  fifoPerFence: true,
  leaseMs: 30_000,
  retentionDays: 30,
  thresholds: DEFAULT_THRESHOLDS,
  feed: true,
  synchronous: 'full',
};

export const FEED_TARGET = 'feed';

export interface QueueItem {
  seq: number;
  id: string;
  eventId: number | null;
  targetId: string;
  partitionKey: string;
  payload: string;
  /** Why the payload cannot be rendered (a corrupt event): the item is dead-lettered with it, never sent. */
  renderError?: string;
  status: ItemStatus;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
}

export interface Target {
  id: string;
  kind: 'webhook' | 'nats' | 'feed';
  url?: string;
  subject?: string;
  /** The name of the signing secret (looked up in the OS keychain / env / secrets folder), never the secret. */
  secretRef?: string;
  timeoutMs: number;
  concurrency: number;
  enabled: boolean;
  disabledReason?: string;
}

export interface AttemptOutcome {
  status: 'success' | 'failed' | 'timeout';
  httpStatus?: number;
  latencyMs: number;
  error?: string;
  /** From a 429/503 Retry-After header. */
  retryAfterMs?: number;
  /** 410 Gone: the receiver asked never to be called again. */
  gone?: boolean;
}

export interface EnqueueResult {
  recorded: number;
  duplicates: number;
  items: number;
}

export interface Attempt {
  attempt: number;
  targetId: string;
  status: 'success' | 'failed' | 'timeout';
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
  at: number;
}

export interface ItemFilter {
  ids?: string[];
  fenceId?: string;
  deviceId?: string;
  targetId?: string;
  /** Matches inside the last error. */
  error?: string;
  /** Item created at or after / before (epoch ms). */
  from?: number;
  to?: number;
}

export interface EventFilter {
  deviceId?: string;
  fenceId?: string;
  from?: number;
  to?: number;
  types?: string[];
  limit?: number;
}

/** A row of the event log. */
export interface ArchivedEventRow {
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

export interface TargetMetrics {
  target_id: string;
  kind: Target['kind'];
  enabled: boolean;
  disabled_reason?: string;
  pending_count: number;
  dlq_count: number;
  completed_count: number;
  success_rate_percent: number;
  avg_delivery_latency_ms: number;
}

/** The webhook body: Standard Webhooks' recommended envelope around the FenceEvent; an event whose time is not one throws, saying so. */
export function payloadOf(e: FenceEvent): string {
  if (!isFixTime(e.timestamp)) throw new Error(`the event's timestamp ${e.timestamp} is not a time from 1970 to 2200 in epoch milliseconds`);
  return JSON.stringify({ type: `fence.${e.event_type}`, timestamp: new Date(e.timestamp).toISOString(), data: e });
}

export function eventOfPayload(payload: string): FenceEvent {
  return (JSON.parse(payload) as { data: FenceEvent }).data;
}

const OPEN = `('pending', 'processing', 'failed')`;
const STATS_WINDOW_MS = 3600_000;

interface Row {
  seq: number;
  event_id: number | null;
  target_id: string;
  partition_key: string;
  payload: string | null;
  status: ItemStatus;
  attempts: number;
  max_attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  completed_at: number | null;
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

/** Items with their event's columns, for building the body. */
const ITEM_SELECT = `SELECT q.*, e.event_type AS e_type, e.fence_id AS e_fence, e.device_id AS e_device, e.ts AS e_ts, e.lat AS e_lat, e.lon AS e_lon,
  e.grp AS e_grp, e.source AS e_source FROM delivery_queue q LEFT JOIN fence_events e ON e.id = q.event_id`;

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

const toItem = (r: Row, instance: string): QueueItem => ({
  seq: r.seq,
  id: `msg_${instance}${r.seq.toString(36)}`,
  eventId: r.event_id,
  targetId: r.target_id,
  partitionKey: r.partition_key,
  ...rendered(r),
  status: r.status,
  attempts: r.attempts,
  maxAttempts: r.max_attempts,
  nextAttemptAt: r.next_attempt_at,
  leaseOwner: r.lease_owner,
  leaseExpiresAt: r.lease_expires_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  completedAt: r.completed_at,
});

interface TargetRow {
  id: string;
  kind: Target['kind'];
  url: string | null;
  subject: string | null;
  secret_ref: string | null;
  timeout_ms: number;
  concurrency: number;
  enabled: number;
  disabled_reason: string | null;
}

const toTarget = (r: TargetRow): Target => ({
  id: r.id,
  kind: r.kind,
  ...(r.url ? { url: r.url } : {}),
  ...(r.subject ? { subject: r.subject } : {}),
  ...(r.secret_ref ? { secretRef: r.secret_ref } : {}),
  timeoutMs: r.timeout_ms,
  concurrency: r.concurrency,
  enabled: r.enabled === 1,
  ...(r.disabled_reason ? { disabledReason: r.disabled_reason } : {}),
});

export interface DeliveryQueueOptions {
  settings?: Partial<QueueSettings>;
  clock?: () => number;
  random?: () => number;
  /** The delivery targets of a fence (its `targets` list); the feed target is added by the queue. Absent: every target. */
  targetsOf?: (fenceId: string) => readonly string[];
  /** How long to wait for another process's lock on the file before refusing it. */
  busyTimeoutMs?: number;
}

/**
 * The durable delivery queue on one SQLite file: one writer, batched transactions. Every method is
 * synchronous (better-sqlite3); the worker around it does the network.
 */
export class DeliveryQueue {
  readonly settings: QueueSettings;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly targetsOf?: (fenceId: string) => readonly string[];
  private readonly listeners = new Set<() => void>();
  private readonly st;
  /** Prefixes every delivery id: random per database file. */
  private readonly instance: string;
  /** Where the last FIFO claim stopped: the next starts after it, so every partition gets its turn. */
  private cursor: [string, string] = ['', ''];

  private constructor(
    readonly db: Database.Database,
    readonly file: string,
    options: DeliveryQueueOptions,
  ) {
    this.settings = { ...DEFAULT_QUEUE_SETTINGS, ...options.settings };
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.targetsOf = options.targetsOf;
    this.instance = (db.prepare(`SELECT value FROM meta WHERE key = 'instance'`).get() as { value: string }).value;
    this.st = {
      seen: db.prepare<[string, number, string, string], { id: number; recorded_at: number }>(
        `SELECT id, recorded_at FROM fence_events INDEXED BY fence_events_fence_ts WHERE fence_id = ? AND ts = ? AND device_id = ? AND event_type = ? ORDER BY id DESC LIMIT 1`,
      ),
      repeat: db.prepare(`UPDATE fence_events SET repeats = repeats + 1 WHERE id = ?`),
      eventPut: db.prepare(
        `INSERT INTO fence_events (event_type, fence_id, device_id, ts, lat, lon, grp, source, fingerprint, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      itemPut: db.prepare(
        `INSERT INTO delivery_queue (event_id, target_id, partition_key, fingerprint, payload, status, max_attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
      ),
      markPut: db.prepare(`INSERT INTO ingest_mark (stream, high_water) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET high_water = MAX(high_water, excluded.high_water)`),
      markGet: db.prepare<[string], { high_water: number }>(`SELECT high_water FROM ingest_mark WHERE stream = ?`),
      enabledTargets: db.prepare<[], { id: string }>(`SELECT id FROM targets WHERE enabled = 1`),
      reclaim: db.prepare(
        `UPDATE delivery_queue SET status = CASE WHEN attempts = 0 THEN 'pending' ELSE 'failed' END, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
         WHERE status = 'processing' AND lease_expires_at <= @now`,
      ),
      // A skip-scan: the first open item of the next partition after (partition, target).
      nextHead: db.prepare<[string, string], { seq: number; partition_key: string; target_id: string; status: ItemStatus; next_attempt_at: number }>(
        `SELECT seq, partition_key, target_id, status, next_attempt_at FROM delivery_queue INDEXED BY delivery_queue_open
         WHERE status IN ${OPEN} AND (partition_key, target_id) > (?, ?) ORDER BY partition_key, target_id, seq LIMIT 1`,
      ),
      bySeq: db.prepare<[number], Row>(`${ITEM_SELECT} WHERE q.seq = ?`),
      run: db.prepare<[string, string, number, number, number], Row>(
        `${ITEM_SELECT} WHERE q.seq IN (SELECT seq FROM delivery_queue INDEXED BY delivery_queue_open
           WHERE partition_key = ? AND target_id = ? AND seq > ? AND status IN ${OPEN} AND status = 'pending' AND next_attempt_at <= ? ORDER BY seq LIMIT ?) ORDER BY q.seq`,
      ),
      due: db.prepare<[number, number], Row>(
        `${ITEM_SELECT} WHERE q.status IN ('pending', 'failed') AND q.next_attempt_at <= ? ORDER BY q.next_attempt_at, q.seq LIMIT ?`,
      ),
      take: db.prepare(`UPDATE delivery_queue SET status = 'processing', lease_owner = ?, lease_expires_at = ?, updated_at = ? WHERE seq = ?`),
      renew: db.prepare(`UPDATE delivery_queue SET lease_expires_at = ? WHERE lease_owner = ? AND status = 'processing'`),
      release: db.prepare(
        `UPDATE delivery_queue SET status = CASE WHEN attempts = 0 THEN 'pending' ELSE 'failed' END, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
         WHERE seq = ? AND status = 'processing' AND lease_owner = ?`,
      ),
      log: db.prepare(`INSERT INTO delivery_log (item_seq, attempt, target_id, status, http_status, latency_ms, error, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      complete: db.prepare(
        `UPDATE delivery_queue SET status = 'completed', attempts = attempts + 1, lease_owner = NULL, lease_expires_at = NULL, last_error = NULL, completed_at = ?, updated_at = ?
         WHERE seq = ? AND status <> 'completed'`,
      ),
      fail: db.prepare(
        `UPDATE delivery_queue SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
         WHERE seq = ? AND status = 'processing' AND lease_owner = ?`,
      ),
      disable: db.prepare(`UPDATE targets SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?`),
      target: db.prepare<[string], TargetRow>(`SELECT * FROM targets WHERE id = ?`),
      nextDue: db.prepare<[], { at: number | null }>(`SELECT MIN(next_attempt_at) AS at FROM delivery_queue WHERE status IN ('pending', 'failed')`),
    };
  }

  static open(file: string, options: DeliveryQueueOptions = {}): DeliveryQueue {
    const synchronous = options.settings?.synchronous ?? DEFAULT_QUEUE_SETTINGS.synchronous;
    return new DeliveryQueue(openDatabase(file, { migrations: QUEUE_MIGRATIONS, synchronous, busyTimeoutMs: options.busyTimeoutMs }), file, options);
  }

  close(): void {
    this.listeners.clear();
    this.db.close();
  }

  /** Called after every enqueue that created items (the worker wakes on it). */
  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Records events and queues one item per (event, target), in one transaction — with the ingest
   * high-water mark when given, so an event is never queued twice nor lost across a crash.
   */
  enqueue(events: readonly FenceEvent[], options: { highWater?: { stream: string; seq: number } } = {}): EnqueueResult {
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
          const fp = fingerprintOf(e);
          const eventId = Number(
            this.st.eventPut.run(e.event_type, e.fence_id, e.device_id, e.timestamp, e.position.lat, e.position.lon, e.group ?? null, e.source, fp, now).lastInsertRowid,
          );
          result.recorded++;
          const named = this.targetsOf ? this.targetsOf(e.fence_id) : [...enabled].filter((t) => t !== FEED_TARGET);
          for (const target of new Set(feed ? [FEED_TARGET, ...named] : named)) {
            if (!enabled.has(target)) continue;
            this.st.itemPut.run(eventId, target, e.fence_id, fp, null, maxAttempts, now, now, now);
            result.items++;
          }
        }
        if (options.highWater) this.st.markPut.run(options.highWater.stream, options.highWater.seq);
      })
      .immediate();
    if (result.items > 0) for (const l of this.listeners) l();
    return result;
  }

  /** The ingest high-water mark committed with events (0 when none). */
  highWater(stream: string): number {
    return this.st.markGet.get(stream)?.high_water ?? 0;
  }

  /**
   * Claims up to `limit` items for `owner`, leased. FIFO: a (fence, target) partition yields only its
   * head and the pending items right behind it, in order — the worker delivers each run in sequence.
   */
  claim(owner: string, limit: number, runMax = 50): QueueItem[] {
    const now = this.clock();
    const expires = now + this.settings.leaseMs;
    return this.db
      .transaction(() => {
        this.st.reclaim.run({ now });
        const claimed: Row[] = [];
        if (this.settings.fifoPerFence) {
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
            [pk, tg] = [head.partition_key, head.target_id];
            if (head.status === 'processing' || head.next_attempt_at > now) continue;
            claimed.push(this.st.bySeq.get(head.seq)!);
            const room = Math.min(runMax - 1, limit - claimed.length);
            if (room > 0) claimed.push(...this.st.run.all(head.partition_key, head.target_id, head.seq, now, room));
          }
          this.cursor = [pk, tg];
        } else {
          claimed.push(...this.st.due.all(now, limit));
        }
        for (const r of claimed) this.st.take.run(owner, expires, now, r.seq);
        return claimed.map((r) => ({ ...toItem(r, this.instance), status: 'processing' as const, leaseOwner: owner, leaseExpiresAt: expires }));
      })
      .immediate();
  }

  /** Keeps `owner`'s claims alive while it works on them. */
  renewLeases(owner: string): void {
    this.st.renew.run(this.clock() + this.settings.leaseMs, owner);
  }

  /** Returns claimed, unattempted items to the pool (a run cut short by a failure ahead of them). */
  release(items: readonly QueueItem[], owner: string): void {
    const now = this.clock();
    this.db.transaction(() => {
      for (const item of items) this.st.release.run(now, item.seq, owner);
    })();
  }

  /** Records attempts (one transaction): the audit row, then the item's next state. */
  record(results: readonly { item: QueueItem; outcome: AttemptOutcome }[], owner: string): void {
    if (results.length === 0) return;
    const now = this.clock();
    this.db
      .transaction(() => {
        for (const { item, outcome } of results) {
          const attempt = item.attempts + 1;
          this.st.log.run(item.seq, attempt, item.targetId, outcome.status, outcome.httpStatus ?? null, outcome.latencyMs, outcome.error ?? null, now);
          if (outcome.status === 'success') {
            this.st.complete.run(now, now, item.seq);
            continue;
          }
          const error = outcome.error ?? `HTTP ${outcome.httpStatus}`;
          if (outcome.gone) {
            this.st.disable.run(`the receiver answered 410 Gone at ${new Date(now).toISOString()}`, now, item.targetId);
            this.st.fail.run('dlq', attempt, now, `${error} (target disabled)`, now, item.seq, owner);
          } else if (attempt >= item.maxAttempts) {
            this.st.fail.run('dlq', attempt, now, error, now, item.seq, owner);
          } else {
            const wait = outcome.retryAfterMs ?? backoffDelayMs(attempt, this.settings.backoff, this.random());
            this.st.fail.run('failed', attempt, now + wait, error, now, item.seq, owner);
          }
        }
      })
      .immediate();
  }

  /** Moves claimed items of a disabled target straight to the DLQ, saying why. */
  refuse(items: readonly QueueItem[], owner: string, reason: string): void {
    const now = this.clock();
    this.db.transaction(() => {
      for (const item of items) this.st.fail.run('dlq', item.attempts, now, reason, now, item.seq, owner);
    })();
  }

  /** When the next item becomes due (undefined when nothing waits). */
  nextDueAt(): number | undefined {
    return this.st.nextDue.get()?.at ?? undefined;
  }

  // ── targets ──────────────────────────────────────────────────────────────

  target(id: string): Target | undefined {
    const r = this.st.target.get(id);
    return r ? toTarget(r) : undefined;
  }

  targets(): Target[] {
    return (this.db.prepare(`SELECT * FROM targets ORDER BY id`).all() as TargetRow[]).map(toTarget);
  }

  upsertTarget(t: Omit<Target, 'enabled' | 'disabledReason'> & { enabled?: boolean }): Target {
    if (t.id === FEED_TARGET && t.kind !== 'feed') throw new Error(`"${FEED_TARGET}" is the built-in live feed; choose another id`);
    if (t.kind === 'webhook' && !/^https?:\/\//.test(t.url ?? '')) throw new Error(`target ${t.id}: a webhook needs an http(s) url`);
    if (t.kind === 'nats' && !t.subject) throw new Error(`target ${t.id}: a NATS target needs a subject`);
    const now = this.clock();
    const enabled = t.enabled ?? true;
    this.db
      .prepare(
        `INSERT INTO targets (id, kind, url, subject, secret_ref, timeout_ms, concurrency, enabled, disabled_reason, created_at, updated_at)
         VALUES (@id, @kind, @url, @subject, @secretRef, @timeoutMs, @concurrency, @enabled, NULL, @now, @now)
         ON CONFLICT (id) DO UPDATE SET kind = @kind, url = @url, subject = @subject, secret_ref = @secretRef, timeout_ms = @timeoutMs,
           concurrency = @concurrency, enabled = @enabled, disabled_reason = NULL, updated_at = @now`,
      )
      .run({ id: t.id, kind: t.kind, url: t.url ?? null, subject: t.subject ?? null, secretRef: t.secretRef ?? null, timeoutMs: t.timeoutMs, concurrency: t.concurrency, enabled: enabled ? 1 : 0, now });
    return this.target(t.id)!;
  }

  /** Removes a target; its open items go to the DLQ (nothing silently dropped). */
  removeTarget(id: string): { dlq: number } {
    if (id === FEED_TARGET) throw new Error('the built-in feed target cannot be removed');
    const now = this.clock();
    return this.db.transaction(() => {
      const moved = this.db
        .prepare(`UPDATE delivery_queue SET status = 'dlq', last_error = 'target removed', lease_owner = NULL, updated_at = ? WHERE target_id = ? AND status IN ${OPEN}`)
        .run(now, id).changes;
      this.db.prepare(`DELETE FROM targets WHERE id = ?`).run(id);
      return { dlq: moved };
    })();
  }

  // ── dead-letter queue ───────────────────────────────────────────────────

  private where(filter: ItemFilter, status: ItemStatus): { sql: string; args: unknown[] } {
    return conditions([
      ['q.status = ?', status],
      [filter.ids && `q.seq IN (${filter.ids.map(() => '?').join(', ') || 'NULL'})`, ...(filter.ids ?? []).map((id) => this.seqOf(id) ?? -1)],
      [filter.fenceId && 'q.partition_key = ?', filter.fenceId],
      [filter.targetId && 'q.target_id = ?', filter.targetId],
      [filter.deviceId && `coalesce(e.device_id, json_extract(q.payload, '$.data.device_id')) = ?`, filter.deviceId],
      [filter.error && 'instr(q.last_error, ?) > 0', filter.error],
      [filter.from !== undefined && 'q.created_at >= ?', filter.from],
      [filter.to !== undefined && 'q.created_at < ?', filter.to],
    ]);
  }

  dlqList(filter: ItemFilter = {}, page: { limit?: number; offset?: number } = {}): { total: number; items: QueueItem[] } {
    const { sql, args } = this.where(filter, 'dlq');
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM delivery_queue q LEFT JOIN fence_events e ON e.id = q.event_id WHERE ${sql}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`${ITEM_SELECT} WHERE ${sql} ORDER BY q.updated_at DESC, q.seq DESC LIMIT ? OFFSET ?`)
      .all(...args, page.limit ?? 100, page.offset ?? 0) as Row[];
    return { total, items: rows.map((r) => toItem(r, this.instance)) };
  }

  /** One item with every attempt, oldest first. */
  item(id: string): { item: QueueItem; attempts: Attempt[] } | undefined {
    const seq = this.seqOf(id);
    const row = seq === undefined ? undefined : this.st.bySeq.get(seq);
    if (!row) return undefined;
    const attempts = (
      this.db.prepare(`SELECT attempt, target_id, status, http_status, latency_ms, error, at FROM delivery_log WHERE item_seq = ? ORDER BY id`).all(row.seq) as {
        attempt: number;
        target_id: string;
        status: Attempt['status'];
        http_status: number | null;
        latency_ms: number;
        error: string | null;
        at: number;
      }[]
    ).map((a) => ({ attempt: a.attempt, targetId: a.target_id, status: a.status, httpStatus: a.http_status, latencyMs: a.latency_ms, error: a.error, at: a.at }));
    return { item: toItem(row, this.instance), attempts };
  }

  /** The seq inside a delivery id of this file (undefined for another file's id). */
  private seqOf(id: string): number | undefined {
    const prefix = `msg_${this.instance}`;
    if (!id.startsWith(prefix) || !/^[0-9a-z]+$/.test(id.slice(prefix.length))) return undefined;
    return parseInt(id.slice(prefix.length), 36);
  }

  /** Back to pending with attempts reset; the delivery log keeps every earlier attempt. */
  requeue(filter: ItemFilter = {}): number {
    const { sql, args } = this.where(filter, 'dlq');
    const now = this.clock();
    const n = this.db
      .prepare(
        `UPDATE delivery_queue SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?
         WHERE seq IN (SELECT q.seq FROM delivery_queue q LEFT JOIN fence_events e ON e.id = q.event_id WHERE ${sql})`,
      )
      .run(now, now, ...args).changes;
    if (n > 0) for (const l of this.listeners) l();
    return n;
  }

  /** Deletes DLQ items; their attempts stay in the delivery log. */
  discard(filter: ItemFilter = {}): number {
    const { sql, args } = this.where(filter, 'dlq');
    return this.db.prepare(`DELETE FROM delivery_queue WHERE seq IN (SELECT q.seq FROM delivery_queue q LEFT JOIN fence_events e ON e.id = q.event_id WHERE ${sql})`).run(...args).changes;
  }

  // ── replay ───────────────────────────────────────────────────────────────

  /** Events recorded in the log, oldest first. */
  events(filter: EventFilter): (FenceEvent & { eventId: number })[] {
    const { sql, args } = conditions([
      [filter.deviceId && 'device_id = ?', filter.deviceId],
      [filter.fenceId && 'fence_id = ?', filter.fenceId],
      [filter.from !== undefined && 'ts >= ?', filter.from],
      [filter.to !== undefined && 'ts < ?', filter.to],
      [filter.types?.length ? `event_type IN (${filter.types.map(() => '?').join(', ')})` : undefined, ...(filter.types ?? [])],
    ]);
    const rows = this.db
      .prepare(`SELECT * FROM fence_events WHERE ${sql} ORDER BY ts, id LIMIT ?`)
      .all(...args, filter.limit ?? 100_000) as ArchivedEventRow[];
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

  /** The last event id already copied into the Parquet archive (0: none). */
  archiveMark(): number {
    const r = this.db.prepare(`SELECT value FROM meta WHERE key = 'archive_mark'`).get() as { value: string } | undefined;
    return r ? Number(r.value) : 0;
  }

  setArchiveMark(id: number): void {
    this.db.prepare(`INSERT INTO meta (key, value) VALUES ('archive_mark', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(id));
  }

  /** Logged events after `id`, in id order; with `recordedBefore`, only those recorded before it. */
  eventsAfter(id: number, recordedBefore = Number.MAX_SAFE_INTEGER): ArchivedEventRow[] {
    return this.db
      .prepare(`SELECT id, event_type, fence_id, device_id, ts, lat, lon, grp, source FROM fence_events WHERE id > ? AND recorded_at < ? ORDER BY id`)
      .all(id, recordedBefore) as ArchivedEventRow[];
  }

  /** The oldest event still in the log (older ones are only in the Parquet archive). */
  oldestEventTs(): number | undefined {
    return (this.db.prepare(`SELECT MIN(ts) AS ts FROM fence_events`).get() as { ts: number | null }).ts ?? undefined;
  }

  /**
   * Re-delivers events to one target as new items (new delivery ids: a replay is a new delivery that a
   * receiver must not dedupe away), bypassing dedup. Returns the ids, in event order.
   */
  replay(events: readonly (FenceEvent & { eventId?: number })[], targetId: string): string[] {
    const target = this.target(targetId);
    if (!target) throw new Error(`no target "${targetId}"`);
    const now = this.clock();
    const ids: string[] = [];
    this.db
      .transaction(() => {
        for (const { eventId, ...e } of events) {
          const seq = Number(
            this.st.itemPut.run(eventId ?? null, targetId, e.fence_id, fingerprintOf(e), eventId === undefined ? payloadOf(e) : null, this.settings.maxAttempts, now, now, now)
              .lastInsertRowid,
          );
          ids.push(`msg_${this.instance}${seq.toString(36)}`);
        }
      })
      .immediate();
    if (ids.length) for (const l of this.listeners) l();
    return ids;
  }

  // ── metrics, health, retention ───────────────────────────────────────────

  metrics(): QueueMetrics & { targets: TargetMetrics[] } {
    const now = this.clock();
    const counts = { pending: 0, processing: 0, completed: 0, failed: 0, dlq: 0 } as Record<ItemStatus, number>;
    for (const r of this.db.prepare(`SELECT status, COUNT(*) AS n FROM delivery_queue GROUP BY status`).all() as { status: ItemStatus; n: number }[])
      counts[r.status] = r.n;
    const waiting = this.db
      .prepare(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest, AVG(? - created_at) AS avg FROM delivery_queue WHERE status IN ('pending', 'failed')`)
      .get(now) as { n: number; oldest: number | null; avg: number | null };
    const since = now - STATS_WINDOW_MS;
    const attempts = this.db
      .prepare(
        `SELECT target_id, COUNT(*) AS n, SUM(status = 'success') AS ok, AVG(CASE WHEN status = 'success' THEN latency_ms END) AS latency
         FROM delivery_log WHERE at >= ? GROUP BY target_id`,
      )
      .all(since) as { target_id: string; n: number; ok: number; latency: number | null }[];
    // The in-process feed always succeeds at once: counting it would flatter the delivery figures.
    const outside = attempts.filter((a) => a.target_id !== FEED_TARGET);
    const total = outside.reduce((a, r) => a + r.n, 0);
    const ok = outside.reduce((a, r) => a + r.ok, 0);
    const latencySum = outside.reduce((a, r) => a + (r.latency ?? 0) * r.ok, 0);
    const perTarget = new Map(
      (
        this.db
          .prepare(
            `SELECT target_id, SUM(status IN ('pending', 'failed', 'processing')) AS pending, SUM(status = 'dlq') AS dlq, SUM(status = 'completed') AS completed
             FROM delivery_queue GROUP BY target_id`,
          )
          .all() as { target_id: string; pending: number; dlq: number; completed: number }[]
      ).map((r) => [r.target_id, r]),
    );
    const byTarget = new Map(attempts.map((a) => [a.target_id, a]));
    const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      pending_count: counts.pending + counts.failed,
      processing_count: counts.processing,
      completed_count: counts.completed,
      dlq_count: counts.dlq,
      avg_queue_depth_seconds: round((waiting.avg ?? 0) / 1000),
      avg_delivery_latency_ms: round(ok ? latencySum / ok : 0),
      success_rate_percent: round(total ? (100 * ok) / total : 100),
      oldest_pending_age_seconds: round(waiting.oldest === null ? 0 : (now - waiting.oldest) / 1000),
      targets: this.targets().map((t) => {
        const q = perTarget.get(t.id);
        const a = byTarget.get(t.id);
        return {
          target_id: t.id,
          kind: t.kind,
          enabled: t.enabled,
          ...(t.disabledReason ? { disabled_reason: t.disabledReason } : {}),
          pending_count: q?.pending ?? 0,
          dlq_count: q?.dlq ?? 0,
          completed_count: q?.completed ?? 0,
          success_rate_percent: round(a ? (100 * a.ok) / a.n : 100),
          avg_delivery_latency_ms: round(a?.latency ?? 0),
        };
      }),
    };
  }

  health(): Health & { metrics: QueueMetrics } {
    const { targets: _targets, ...metrics } = this.metrics();
    return { ...classifyHealth(metrics, this.settings.thresholds), metrics };
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

/** ANDs the conditions whose SQL is given (a falsy SQL drops the condition and its arguments). */
function conditions(parts: readonly [sql: string | false | undefined | 0 | '', ...args: unknown[]][]): { sql: string; args: unknown[] } {
  const used = parts.filter((p): p is [string, ...unknown[]] => Boolean(p[0]));
  return { sql: used.length ? used.map((p) => p[0]).join(' AND ') : '1', args: used.flatMap((p) => p.slice(1)) };
}
