import type Database from 'better-sqlite3';
import type { QueueMetrics } from './health';
import { OPEN } from './queue-items';
import { FEED_TARGET, type Target, type TargetMetrics } from './queue-types';

/** Attempts this recent count toward success rate and latency. */
const STATS_WINDOW_MS = 3600_000;

/** Each status counted through the partial index kept for it: never a scan of every delivery kept. */
const COUNTS = {
  waiting: `SELECT COUNT(*) AS n FROM delivery_queue INDEXED BY delivery_queue_waiting WHERE status IN ('pending', 'failed')`,
  dlq: `SELECT COUNT(*) AS n FROM delivery_queue INDEXED BY delivery_queue_dlq_updated WHERE status = 'dlq'`,
  completed: `SELECT COUNT(*) AS n FROM delivery_queue INDEXED BY delivery_queue_completed WHERE status = 'completed'`,
};

/** Items waiting (pending, or failed and due again), out with a worker (`claimed`: the engine knows, the file does not), and dead. */
export function openCounts(db: Database.Database, claimed: number): { pending: number; processing: number; dlq: number } {
  const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return { pending: Math.max(0, n(COUNTS.waiting) - claimed), processing: claimed, dlq: n(COUNTS.dlq) };
}

/** The queue's figures (what waits, what failed, how fast and how well each target is served), from its file. */
export function queueMetrics(db: Database.Database, now: number, targets: readonly Target[], claimed: number): QueueMetrics & { targets: TargetMetrics[] } {
  const counts = openCounts(db, claimed);
  const completed = (db.prepare(COUNTS.completed).get() as { n: number }).n;
  const waiting = db
    .prepare(`SELECT COUNT(*) AS n, MIN(created_at) AS oldest, AVG(? - created_at) AS avg FROM delivery_queue WHERE status IN ('pending', 'failed')`)
    .get(now) as { n: number; oldest: number | null; avg: number | null };
  const since = now - STATS_WINDOW_MS;
  const attempts = db
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
  // Per target from the indexes of open items and of dead letters: never a scan of every delivery kept.
  const perTarget = (sql: string) => new Map((db.prepare(sql).all() as { target_id: string; n: number }[]).map((r) => [r.target_id, r.n]));
  const open = perTarget(`SELECT target_id, COUNT(*) AS n FROM delivery_queue INDEXED BY delivery_queue_open WHERE status IN ${OPEN} GROUP BY target_id`);
  const dead = perTarget(`SELECT target_id, COUNT(*) AS n FROM delivery_queue INDEXED BY delivery_queue_dlq_target WHERE status = 'dlq' GROUP BY target_id`);
  const byTarget = new Map(attempts.map((a) => [a.target_id, a]));
  const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    pending_count: counts.pending,
    processing_count: counts.processing,
    completed_count: completed,
    dlq_count: counts.dlq,
    avg_queue_depth_seconds: round((waiting.avg ?? 0) / 1000),
    avg_delivery_latency_ms: round(ok ? latencySum / ok : 0),
    success_rate_percent: round(total ? (100 * ok) / total : 100),
    oldest_pending_age_seconds: round(waiting.oldest === null ? 0 : (now - waiting.oldest) / 1000),
    targets: targets.map((t) => {
      const a = byTarget.get(t.id);
      return {
        target_id: t.id,
        kind: t.kind,
        enabled: t.enabled,
        ...(t.disabledReason ? { disabled_reason: t.disabledReason } : {}),
        pending_count: open.get(t.id) ?? 0,
        dlq_count: dead.get(t.id) ?? 0,
        delivered_last_hour: a?.ok ?? 0,
        success_rate_percent: round(a ? (100 * a.ok) / a.n : 100),
        avg_delivery_latency_ms: round(a?.latency ?? 0),
      };
    }),
  };
}
