/** Queue health from its figures against the queue's degraded/unhealthy thresholds (settings queue.degraded*, queue.unhealthy*). */

/** The figures health is judged on; a success rate of null (nothing attempted in the last hour) crosses no threshold. */
export interface HealthFigures {
  pending_count: number;
  dlq_count: number;
  oldest_pending_age_seconds: number;
  success_rate_percent: number | null;
}

export interface HealthThresholds {
  /** Unhealthy above this many items in the DLQ. */
  dlqUnhealthy: number;
  /** Degraded above this many pending items. */
  pendingDegraded: number;
  /** Degraded when the oldest pending item is older than this. */
  oldestPendingDegradedS: number;
  /** Degraded below this success rate. */
  successRateDegradedPercent: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = {
  dlqUnhealthy: 100,
  pendingDegraded: 1000,
  oldestPendingDegradedS: 300,
  successRateDegradedPercent: 95,
};

export type HealthStatus = 'Healthy' | 'Degraded' | 'Unhealthy';

export interface Health {
  status: HealthStatus;
  /** Every threshold crossed, in words, worst first. */
  reasons: string[];
}

export function classifyHealth(m: HealthFigures, t: HealthThresholds = DEFAULT_THRESHOLDS): Health {
  const unhealthy: string[] = [];
  const degraded: string[] = [];
  if (m.dlq_count > t.dlqUnhealthy) unhealthy.push(`${m.dlq_count} items in the dead-letter queue (more than ${t.dlqUnhealthy})`);
  if (m.pending_count > t.pendingDegraded) degraded.push(`${m.pending_count} items pending (more than ${t.pendingDegraded})`);
  if (m.oldest_pending_age_seconds > t.oldestPendingDegradedS)
    degraded.push(`oldest pending item waited ${Math.round(m.oldest_pending_age_seconds)} s (more than ${t.oldestPendingDegradedS} s)`);
  if (m.success_rate_percent !== null && m.success_rate_percent < t.successRateDegradedPercent)
    degraded.push(`success rate ${m.success_rate_percent.toFixed(1)} % (below ${t.successRateDegradedPercent} %)`);
  const status: HealthStatus = unhealthy.length ? 'Unhealthy' : degraded.length ? 'Degraded' : 'Healthy';
  return { status, reasons: [...unhealthy, ...degraded] };
}
