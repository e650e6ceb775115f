import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FenceEvent } from '../../shared/fence-event';
import type { QueueFigures } from '../../shared/rpc';
import type { Config } from '../config';
import { archivedEvents, archiveFenceEvents, countArchivedEvents, hourStart, type ArchivedEventFilter } from '../archive';
import { Checkpointer } from '../sqlite';
import { ChangeThrottle } from './change-throttle';
import { DeliveryQueue, eventOfPayload, type AttemptOutcome, type DeliveryQueueOptions, type QueueItem, type Target } from './delivery-queue';
import { DeliveryWorker, type WorkerOptions } from './delivery-worker';
import { NatsPublisher } from './nats-target';
import { QueueHistory, SAMPLE_MS } from './queue-history';
import { signWebhook } from './signature';
import { WebhookSender } from './webhook-target';

export type Secrets = (name: string) => string | undefined;

/** Signing secrets by name: `HEXWATCH_SECRET_<NAME>`, else the OS keychain when the shell offers one. */
export function secretsFrom(env: NodeJS.ProcessEnv = process.env, keychain?: Secrets): Secrets {
  return (name) => env[secretEnvName(name)] || keychain?.(name);
}

export const secretEnvName = (name: string) => `HEXWATCH_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

const RETENTION_INTERVAL_MS = 3600_000;
/** Items a replay queues per transaction: between them it reports progress and can be cancelled. */
const REPLAY_CHUNK = 5000;

export interface ReplayProgress {
  phase: 'reading' | 'queueing';
  queued: number;
  total: number;
}
const ARCHIVE_INTERVAL_MS = 60_000;
/** The figures can change by the thousand a second: listeners hear of them at most this often. */
const CHANGED_MS = 250;
/** And this often when nothing happens: an item's wait grows, the last hour moves on. */
const FIGURES_TICK_MS = 5000;

export interface DeliveryServiceOptions extends DeliveryQueueOptions {
  dataDir: string;
  nats?: Config['nats'];
  env?: NodeJS.ProcessEnv;
  /** The OS keychain (Electron's safeStorage), asked after the environment. */
  secrets?: Secrets;
  /** Stores a secret in the OS keychain (the desktop app only). */
  saveSecret?: (name: string, value: string) => void;
  worker?: WorkerOptions;
}

/** The queue, its worker and its three kinds of target, assembled. */
export class DeliveryService {
  readonly queue: DeliveryQueue;
  readonly worker: DeliveryWorker;
  readonly history: QueueHistory;
  private readonly deliver: (target: Target, item: QueueItem) => Promise<AttemptOutcome>;
  private readonly secrets: Secrets;
  private readonly saveSecret?: (name: string, value: string) => void;
  private readonly clock: () => number;
  private historyTimer?: NodeJS.Timeout;
  private readonly feed = new Set<(event: FenceEvent, id: string) => void>();
  private readonly publisher?: NatsPublisher;
  private readonly dataDir: string;
  private readonly log: (line: string) => void;
  private retentionTimer?: NodeJS.Timeout;
  private archiveTimer?: NodeJS.Timeout;
  private archiving: Promise<{ events: number; parts: number }> = Promise.resolve({ events: 0, parts: 0 });
  private checkpointer?: Checkpointer;
  private readonly webhooks = new WebhookSender();
  private readonly changeListeners = new Set<(figures: QueueFigures) => void>();
  private readonly changes = new ChangeThrottle(CHANGED_MS, () => {
    if (this.changeListeners.size === 0) return;
    let figures: QueueFigures;
    try {
      figures = this.figures();
    } catch (err) {
      return this.log(`queue: reading its figures failed: ${(err as Error).message}`);
    }
    for (const listener of this.changeListeners) listener(figures);
  });
  private figuresTimer?: NodeJS.Timeout;
  private lastFigures?: QueueFigures;

  constructor(options: DeliveryServiceOptions) {
    this.dataDir = options.dataDir;
    this.log = options.worker?.log ?? (() => {});
    mkdirSync(options.dataDir, { recursive: true });
    this.queue = DeliveryQueue.open(join(options.dataDir, 'queue.sqlite'), { logLine: this.log, ...options });
    const secrets = (this.secrets = secretsFrom(options.env, options.secrets));
    this.saveSecret = options.saveSecret;
    const clock = (this.clock = options.clock ?? Date.now);
    if (options.nats) this.publisher = new NatsPublisher(options.nats, options.env);
    const deliver = async (target: Target, item: QueueItem): Promise<AttemptOutcome> => {
      switch (target.kind) {
        case 'webhook': {
          const secret = target.secretRef ? secrets(target.secretRef) : undefined;
          if (target.secretRef && !secret)
            return {
              status: 'failed',
              latencyMs: 0,
              error: `signing secret "${target.secretRef}" not found: set ${secretEnvName(target.secretRef)} or store it in the keychain`,
            };
          return this.webhooks.send(target, item, secret, clock);
        }
        case 'nats':
          return this.publisher ? this.publisher.deliver(target, item) : { status: 'failed', latencyMs: 0, error: 'no NATS server configured (nats.servers)' };
        case 'feed': {
          const event = eventOfPayload(item.payload);
          for (const listener of this.feed) listener(event, item.id);
          return { status: 'success', latencyMs: 0 };
        }
      }
    };
    this.deliver = deliver;
    this.worker = new DeliveryWorker(this.queue, deliver, options.worker);
    this.history = new QueueHistory(this.queue.db, this.queue.tally, () => this.queue.openCounts(), clock);
    const changed = () => {
      if (this.changeListeners.size > 0) this.changes.changed();
    };
    this.queue.onChange(changed);
    this.queue.recent.onChange(changed);
  }

  start(): void {
    this.checkpointer ??= new Checkpointer(this.queue.db);
    this.worker.start();
    this.historyTimer = setInterval(() => {
      try {
        this.history.sample();
      } catch (err) {
        this.log(`queue: sampling its health failed: ${(err as Error).message}`);
      }
    }, SAMPLE_MS);
    this.historyTimer.unref();
    this.figuresTimer = setInterval(() => this.changes.changed(), FIGURES_TICK_MS);
    this.figuresTimer.unref();
    this.retentionTimer = setInterval(() => {
      try {
        this.queue.deadLetters.purgeDiscarded();
        this.queue.applyRetention();
      } catch (err) {
        this.log(`queue: retention failed: ${(err as Error).message}`);
      }
    }, RETENTION_INTERVAL_MS);
    this.retentionTimer.unref();
    // Each ended hour's events go to the Parquet archive beside the positions.
    this.archiveTimer = setInterval(() => void this.archive(hourStart(Date.now())), ARCHIVE_INTERVAL_MS);
    this.archiveTimer.unref();
  }

  /** Copies events recorded before `recordedBefore` into the Parquet archive; one roll at a time. */
  archive(recordedBefore: number): Promise<{ events: number; parts: number }> {
    this.archiving = this.archiving
      .then(() => archiveFenceEvents(this.queue.log, this.dataDir, { recordedBefore }))
      .catch((err: Error) => {
        this.log(`queue: archiving fence events failed: ${err.message}`);
        return { events: 0, parts: 0 };
      });
    return this.archiving;
  }

  async stop(): Promise<void> {
    this.changes.cancel();
    clearInterval(this.retentionTimer);
    clearInterval(this.archiveTimer);
    clearInterval(this.historyTimer);
    clearInterval(this.figuresTimer);
    await this.archiving;
    // Durable enqueues under way are answered and handed to the worker before it stops.
    await this.queue.settle();
    await this.worker.stop();
    await this.checkpointer?.stop();
    await this.publisher?.close();
    await this.webhooks.close();
    this.queue.close();
  }

  /** The renderer's live event feed (the built-in `feed` target delivers here). */
  onFeed(listener: (event: FenceEvent, id: string) => void): () => void {
    this.feed.add(listener);
    return () => this.feed.delete(listener);
  }

  /**
   * The queue's figures computed now, or the last ones when they are younger than `maxAgeMs` (the status
   * asks every second): every screen's count of the queue comes from these.
   */
  figures(maxAgeMs = 0): QueueFigures {
    if (this.lastFigures && this.clock() - this.lastFigures.at < maxAgeMs) return this.lastFigures;
    return (this.lastFigures = this.queue.figures());
  }

  /** The figures (`deliveries.changed`), at most every CHANGED_MS while they change, and every FIGURES_TICK_MS. */
  onChanged(listener: (figures: QueueFigures) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** The archive's share of a replay: events older than the log's oldest (undefined when the log covers the range). */
  private archivePart(filter: ArchivedEventFilter): ArchivedEventFilter | undefined {
    const oldest = this.queue.log.oldestTs();
    if (oldest !== undefined && filter.from !== undefined && filter.from >= oldest) return undefined;
    return { ...filter, ...(oldest !== undefined ? { to: Math.min(filter.to ?? Infinity, oldest) } : {}) };
  }

  /** How many events a replay with this filter would queue, from the log and from the archive (capped by its limit). */
  async replayCount(filter: ArchivedEventFilter): Promise<{ fromLog: number; fromArchive: number }> {
    const older = this.archivePart(filter);
    const fromArchive = older ? await countArchivedEvents(this.dataDir, older) : 0;
    const limit = filter.limit ?? Infinity;
    return { fromLog: Math.min(limit, this.queue.log.count(filter)), fromArchive: Math.min(limit, fromArchive) };
  }

  /**
   * Re-delivers past events to one target: from the SQLite log, and from the Parquet archive for those
   * older than the log's oldest. Queued a chunk at a time: `signal` stops it between chunks (what was
   * queued stays queued), `onProgress` hears how far it is.
   */
  async replay(
    filter: ArchivedEventFilter,
    targetId: string,
    options: { signal?: AbortSignal; onProgress?: (p: ReplayProgress) => void } = {},
  ): Promise<{ fromLog: number; fromArchive: number; ids: string[]; cancelled: boolean }> {
    if (!this.queue.targets.get(targetId)) throw new Error(`no target "${targetId}"`);
    options.onProgress?.({ phase: 'reading', queued: 0, total: 0 });
    const fromLog = this.queue.log.events(filter);
    const older = this.archivePart(filter);
    const fromArchive = older ? await archivedEvents(this.dataDir, older) : [];
    const events = [...fromArchive, ...fromLog];
    const ids: string[] = [];
    for (let i = 0; i < events.length && !options.signal?.aborted; i += REPLAY_CHUNK) {
      ids.push(...this.queue.replay(events.slice(i, i + REPLAY_CHUNK), targetId));
      options.onProgress?.({ phase: 'queueing', queued: ids.length, total: events.length });
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { fromLog: fromLog.length, fromArchive: fromArchive.length, ids, cancelled: ids.length < events.length };
  }

  /** Whether a signing secret of this name is found (environment or keychain); never the secret. */
  hasSecret(name: string): boolean {
    return Boolean(this.secrets(name));
  }

  /** Stores a signing secret in the OS keychain; refused where there is none (web mode), saying where secrets go instead. */
  setSecret(name: string, value: string): void {
    if (!this.saveSecret)
      throw new Error(`this engine has no keychain to store secrets in (web mode): set ${secretEnvName(name)} in its environment and restart it`);
    this.saveSecret(name, value);
  }

  /** The headers an item is sent with (webhooks): the signature masked, the timestamp as of now. */
  headersOf(item: QueueItem): Record<string, string> {
    const target = this.queue.targets.get(item.targetId);
    if (target?.kind === 'nats') return { 'Nats-Msg-Id': item.id };
    if (target?.kind !== 'webhook') return {};
    const timestamp = Math.floor(this.clock() / 1000);
    const secret = target.secretRef ? this.secrets(target.secretRef) : undefined;
    return {
      'content-type': 'application/json',
      'user-agent': 'hexwatch',
      'webhook-id': item.id,
      'webhook-timestamp': String(timestamp),
      ...(secret ? { 'webhook-signature': `${signWebhook(secret, item.id, timestamp, item.payload).slice(0, 7)}…` } : {}),
      ...(target.secretRef && !secret ? { 'webhook-signature': `(secret "${target.secretRef}" not set)` } : {}),
    };
  }

  /** Sends a test event to a target now, outside the queue: what the receiver answered. */
  async sendTest(targetId: string): Promise<AttemptOutcome & { id: string }> {
    const target = this.queue.targets.get(targetId);
    if (!target) throw new Error(`no target "${targetId}"`);
    const now = this.clock();
    const id = `msg_test_${now.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const event: FenceEvent = {
      event_type: 'enter',
      fence_id: 'hexwatch-test',
      device_id: 'hexwatch-test',
      position: { lat: 0, lon: 0 },
      timestamp: now,
      source: 'embedded',
    };
    const payload = JSON.stringify({ type: 'hexwatch.test', timestamp: new Date(now).toISOString(), data: event });
    const item: QueueItem = {
      seq: 0,
      id,
      eventId: null,
      targetId,
      partitionKey: event.fence_id,
      payload,
      status: 'processing',
      attempts: 0,
      maxAttempts: 1,
      nextAttemptAt: now,
      lastError: null,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      replayed: false,
    };
    return { id, ...(await this.deliver(target, item)) };
  }
}
