import { backoffDelayMs } from './backoff';
import type { AttemptOutcome, QueueItem, QueueSettings } from './queue-types';

/** What an attempt makes of its item: delivered; or failed and retried at `nextAt`; or dead (`dlq`), its target disabled on a 410. */
export type NextState = { status: 'completed' } | { status: 'failed' | 'dlq'; nextAt: number; error: string; disableTarget?: string };

/** The item's next state after `outcome`, its attempt counted; `random` jitters the backoff (asked only for one). */
export function nextStateOf(
  item: Pick<QueueItem, 'attempts' | 'maxAttempts'>,
  outcome: AttemptOutcome,
  now: number,
  settings: Pick<QueueSettings, 'maxAttempts' | 'backoff'>,
  random: () => number,
): NextState {
  if (outcome.status === 'success') return { status: 'completed' };
  const attempt = item.attempts + 1;
  const error = outcome.error ?? `HTTP ${outcome.httpStatus}`;
  if (outcome.gone)
    return {
      status: 'dlq',
      nextAt: now,
      error: `${error} (target disabled)`,
      disableTarget: `the receiver answered 410 Gone at ${new Date(now).toISOString()}`,
    };
  if (attempt >= item.maxAttempts) return { status: 'dlq', nextAt: now, error };
  // A requeued item starts another round: its backoff starts again too, while its attempts count on.
  const round = attempt - Math.max(0, item.maxAttempts - settings.maxAttempts);
  return { status: 'failed', nextAt: now + (outcome.retryAfterMs ?? backoffDelayMs(Math.max(1, round), settings.backoff, random())), error };
}
