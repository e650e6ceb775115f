import type { Config } from '../config';
import type { QueueSettings } from './delivery-queue';

/** The queue's settings from the `queue` section of the configuration. */
export function queueSettingsOf(q: Config['queue']): QueueSettings {
  return {
    dedupWindowMs: q.dedupWindowS * 1000,
    maxAttempts: q.maxAttempts,
    backoff: { scheduleS: q.backoffS, jitter: q.jitter },
    fifoPerFence: q.fifoPerFence,
    retentionDays: q.retentionDays,
    thresholds: {
      dlqUnhealthy: q.unhealthyDlq,
      pendingDegraded: q.degradedPending,
      oldestPendingDegradedS: q.degradedOldestS,
      successRateDegradedPercent: q.degradedSuccessPercent,
    },
    feed: q.feed,
    synchronous: q.synchronous,
  };
}
