import type Database from 'better-sqlite3';
import { OPEN } from './queue-items';
import { FEED_TARGET, type Target } from './queue-types';

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

/** Where events are delivered: webhooks, NATS subjects and the built-in feed, in the queue's file. */
export class QueueTargets {
  /** Every target, read again after a change only: the worker looks one up per run, each enqueue asks which are enabled. */
  private known?: { byId: Map<string, Target>; enabled: Set<string> };

  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => number,
    /** Called when a target is added, edited or removed. */
    private readonly changed: () => void = () => {},
  ) {}

  get(id: string): Target | undefined {
    return this.snapshot().byId.get(id);
  }

  list(): Target[] {
    return [...this.snapshot().byId.values()];
  }

  /** The ids of the enabled targets: the ones an enqueue queues items for. */
  enabledIds(): ReadonlySet<string> {
    return this.snapshot().enabled;
  }

  /** Turns a target off with why (a receiver answered 410 Gone), inside the caller's transaction. */
  disable(id: string, reason: string, now: number): void {
    this.known = undefined;
    this.db.prepare(`UPDATE targets SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?`).run(reason, now, id);
  }

  private snapshot(): { byId: Map<string, Target>; enabled: Set<string> } {
    if (this.known) return this.known;
    const all = (this.db.prepare(`SELECT * FROM targets ORDER BY id`).all() as TargetRow[]).map(toTarget);
    return (this.known = { byId: new Map(all.map((t) => [t.id, t])), enabled: new Set(all.filter((t) => t.enabled).map((t) => t.id)) });
  }

  upsert(t: Omit<Target, 'enabled' | 'disabledReason'> & { enabled?: boolean }): Target {
    if (t.id === FEED_TARGET && t.kind !== 'feed') throw new Error(`"${FEED_TARGET}" is the built-in live feed; choose another id`);
    if (t.kind === 'webhook' && !/^https?:\/\//.test(t.url ?? '')) throw new Error(`target ${t.id}: a webhook needs an http(s) url`);
    if (t.kind === 'nats' && !t.subject) throw new Error(`target ${t.id}: a NATS target needs a subject`);
    const now = this.clock();
    const enabled = t.enabled ?? true;
    this.known = undefined;
    this.db
      .prepare(
        `INSERT INTO targets (id, kind, url, subject, secret_ref, timeout_ms, concurrency, enabled, disabled_reason, created_at, updated_at)
         VALUES (@id, @kind, @url, @subject, @secretRef, @timeoutMs, @concurrency, @enabled, NULL, @now, @now)
         ON CONFLICT (id) DO UPDATE SET kind = @kind, url = @url, subject = @subject, secret_ref = @secretRef, timeout_ms = @timeoutMs,
           concurrency = @concurrency, enabled = @enabled, disabled_reason = NULL, updated_at = @now`,
      )
      .run({
        id: t.id,
        kind: t.kind,
        url: t.url ?? null,
        subject: t.subject ?? null,
        secretRef: t.secretRef ?? null,
        timeoutMs: t.timeoutMs,
        concurrency: t.concurrency,
        enabled: enabled ? 1 : 0,
        now,
      });
    this.changed();
    return this.get(t.id)!;
  }

  /** Removes a target; its open items go to the DLQ (nothing silently dropped). */
  remove(id: string): { dlq: number } {
    if (id === FEED_TARGET) throw new Error('the built-in feed target cannot be removed');
    const now = this.clock();
    this.known = undefined;
    const removed = this.db.transaction(() => {
      const moved = this.db
        .prepare(`UPDATE delivery_queue SET status = 'dlq', last_error = 'target removed', updated_at = ? WHERE target_id = ? AND status IN ${OPEN}`)
        .run(now, id).changes;
      this.db.prepare(`DELETE FROM targets WHERE id = ?`).run(id);
      return { dlq: moved };
    })();
    this.changed();
    return removed;
  }
}
