import type Database from 'better-sqlite3';
import type { QueueFigures } from '../../shared/rpc';
import { classifyHealth, type HealthThresholds } from './health';
import { OPEN } from './queue-items';
import { FEED_TARGET, type Target } from './queue-types';
import type { RecentActivity } from './recent-activity';

/** Each status counted through the partial index kept for it: never a scan of every delivery kept. */
const COUNTS = {
  waiting: `SELECT COUNT(*) AS n FROM delivery_queue INDEXED BY delivery_queue_waiting WHERE status IN ('pending', 'failed')`,
  dlq: `SELECT COUNT(*) AS n FROM delivery_queue INDEXED BY delivery_queue_dlq_updated WHERE status = 'dlq'`,
  completed: `SELECT COUNT(*) AS n FROM delivery_queue INDEXED BY delivery_queue_completed WHERE status = 'completed'`,
};

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Items waiting (pending, or failed and due again), out with a worker (`claimed`: the engine knows, the file does not), and dead. */
export function openCounts(db: Database.Database, claimed: number): { pending: number; processing: number; dlq: number } {
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return { pending: Math.max(0, n(COUNTS.waiting) - claimed), processing: claimed, dlq: n(COUNTS.dlq) };
}

/** Delivered items still kept (a count of every one: only `deliveries.metrics` asks for it, never the figures pushed to screens). */
export function completedCount(db: Database.Database): number {
  return (db.prepare(COUNTS.completed).get() as { n: number }).n;
}

export type Figures = Omit<QueueFigures, 'revision' | 'changes'>;

/**
 * The queue's figures at one moment, the one source of every count a screen shows: what waits, what is
 * dead (in all and per target, from the same indexes `deliveries.deadLetterCounts` reads), how well and how
 * fast each target was served in the last hour (from `recent`, null when nothing was attempted), when a
 * failing target is tried next, and the health these make.
 */
export function queueFigures(
  db: Database.Database,
  now: number,
  targets: readonly Target[],
  claimed: number,
  recent: RecentActivity,
  thresholds: HealthThresholds,
): Figures {
  const counts = openCounts(db, claimed);
  const waiting = db
    .prepare(
      `SELECT MIN(created_at) AS oldest, AVG(? - created_at) AS avg FROM delivery_queue INDEXED BY delivery_queue_waiting WHERE status IN ('pending', 'failed')`,
    )
    .get(now) as { oldest: number | null; avg: number | null };
  // Per target from the indexes of open items and of dead letters: never a scan of every delivery kept.
  const perTarget = (sql: string) => new Map((db.prepare(sql).all() as { target_id: string; n: number }[]).map((r) => [r.target_id, r.n]));
  const open = perTarget(`SELECT target_id, COUNT(*) AS n FROM delivery_queue INDEXED BY delivery_queue_open WHERE status IN ${OPEN} GROUP BY target_id`);
  const dead = perTarget(`SELECT target_id, COUNT(*) AS n FROM delivery_queue INDEXED BY delivery_queue_dlq_target WHERE status = 'dlq' GROUP BY target_id`);
  // The failed head of a target's queue is its next try (the items behind it wait for it).
  const nextTry = db.prepare<[string], { at: number }>(
    `SELECT next_attempt_at AS at FROM delivery_queue INDEXED BY delivery_queue_waiting
     WHERE status IN ('pending', 'failed') AND status = 'failed' AND target_id = ? ORDER BY next_attempt_at LIMIT 1`,
  );
  let attempted = 0;
  let delivered = 0;
  let latencySum = 0;
  // The hour's totals count a target removed within it too: what it was sent still happened.
  for (const id of recent.targets()) {
    // The in-process feed always succeeds at once: counting it would flatter the delivery figures.
    if (id === FEED_TARGET) continue;
    const r = recent.target(id, now);
    attempted += r.attempted;
    delivered += r.delivered;
    latencySum += (r.latencyMs ?? 0) * r.delivered;
  }
  const perTargetFigures = targets.map((t) => {
    const r = recent.target(t.id, now);
    const failing = r.last !== null && r.last.status !== 'success' && (open.get(t.id) ?? 0) > 0;
    return {
      target_id: t.id,
      kind: t.kind,
      enabled: t.enabled,
      ...(t.disabledReason ? { disabled_reason: t.disabledReason } : {}),
      pending_count: open.get(t.id) ?? 0,
      dlq_count: dead.get(t.id) ?? 0,
      attempted_last_hour: r.attempted,
      delivered_last_hour: r.delivered,
      success_rate_percent: r.attempted ? round((100 * r.delivered) / r.attempted) : null,
      avg_delivery_latency_ms: r.latencyMs === null ? null : round(r.latencyMs),
      last_attempt: r.last,
      next_retry_at: failing ? (nextTry.get(t.id)?.at ?? null) : null,
    };
  });
  const figures = {
    at: now,
    pending_count: counts.pending,
    processing_count: counts.processing,
    dlq_count: counts.dlq,
    avg_queue_depth_seconds: round((waiting.avg ?? 0) / 1000),
    oldest_pending_age_seconds: round(waiting.oldest === null ? 0 : (now - waiting.oldest) / 1000),
    attempted_last_hour: attempted,
    delivered_last_hour: delivered,
    success_rate_percent: attempted ? round((100 * delivered) / attempted) : null,
    avg_delivery_latency_ms: delivered ? round(latencySum / delivered) : null,
    targets: perTargetFigures,
  };
  return { ...classifyHealth(figures, thresholds), ...figures };
}
