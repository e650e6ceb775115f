import { nextStateOf } from './attempt-outcome';
import type { QueueStatements } from './queue-statements';
import type { AttemptOutcome, QueueItem, QueueSettings } from './queue-types';

/** What recording attempts decided beyond each item's own row. */
export interface AttemptsWritten {
  /** An item went to the dead-letter queue. */
  dead: boolean;
  /** The earliest time a failed item is due again (Infinity: none). */
  earliestRetry: number;
}

/**
 * Attempts, inside the caller's transaction: each one's audit row, then its item's next state (completed,
 * due again, or dead); a target the outcome disables is handed to `disableTarget`.
 */
export function putAttempts(
  st: QueueStatements,
  results: readonly { item: QueueItem; outcome: AttemptOutcome }[],
  now: number,
  settings: QueueSettings,
  random: () => number,
  disableTarget: (targetId: string, why: string) => void,
): AttemptsWritten {
  const written: AttemptsWritten = { dead: false, earliestRetry: Infinity };
  for (const { item, outcome } of results) {
    const attempt = item.attempts + 1;
    st.log.run(
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
    const next = nextStateOf(item, outcome, now, settings, random);
    if (next.status === 'completed') {
      st.complete.run(now, now, item.seq);
      continue;
    }
    if (next.status === 'dlq') written.dead = true;
    else written.earliestRetry = Math.min(written.earliestRetry, next.nextAt);
    if (next.disableTarget) disableTarget(item.targetId, next.disableTarget);
    st.fail.run(next.status, attempt, next.nextAt, next.error, now, item.seq);
  }
  return written;
}
