import type { FenceEvent } from '../../shared/fence-event';
/** The delivery queue's vocabulary: items, targets, outcomes, filters and settings. */
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { DEFAULT_THRESHOLDS, type HealthThresholds } from './health';

export type ItemStatus = 'pending' | 'processing' | 'completed' | 'failed' | 'dlq';

export interface QueueSettings {
  /** A repeat of an event fingerprint inside this window is counted, not delivered again. */
  dedupWindowMs: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** An item waits until no earlier item of its (fence, target) is open. */
  fifoPerFence: boolean;
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
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
  /** Queued by a replay (a new delivery of an earlier event). */
  replayed: boolean;
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
  /** The first KB of the receiver's answer. */
  response?: string;
}

/** A fence event with the delivery targets its fence names (absent: every enabled target); the feed is added by the queue. */
export type RoutedEvent = FenceEvent & { targets?: readonly string[] };

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
  /** The first KB of the receiver's answer. */
  response: string | null;
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

export interface TargetMetrics {
  target_id: string;
  kind: Target['kind'];
  enabled: boolean;
  disabled_reason?: string;
  pending_count: number;
  dlq_count: number;
  /** Attempts that succeeded in the last hour. */
  delivered_last_hour: number;
  success_rate_percent: number;
  avg_delivery_latency_ms: number;
}
