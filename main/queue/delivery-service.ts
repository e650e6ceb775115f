import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FenceEvent } from '../../shared/fence-event';
import type { Config } from '../config';
import { archivedEvents, archiveFenceEvents, hourStart, type ArchivedEventFilter } from '../archive';
import { Checkpointer } from '../sqlite';
import { DeliveryQueue, eventOfPayload, type AttemptOutcome, type DeliveryQueueOptions, type QueueItem, type Target } from './delivery-queue';
import { DeliveryWorker, type WorkerOptions } from './delivery-worker';
import { NatsPublisher } from './nats-target';
import { deliverWebhook } from './webhook-target';

export type Secrets = (name: string) => string | undefined;

/** Signing secrets by name: `HEXWATCH_SECRET_<NAME>`, else the OS keychain when the shell offers one. */
export function secretsFrom(env: NodeJS.ProcessEnv = process.env, keychain?: Secrets): Secrets {
  return (name) => env[secretEnvName(name)] || keychain?.(name);
}

export const secretEnvName = (name: string) => `HEXWATCH_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

const RETENTION_INTERVAL_MS = 3600_000;
const ARCHIVE_INTERVAL_MS = 60_000;

export interface DeliveryServiceOptions extends DeliveryQueueOptions {
  dataDir: string;
  nats?: Config['nats'];
  env?: NodeJS.ProcessEnv;
  /** The OS keychain (Electron's safeStorage), asked after the environment. */
  secrets?: Secrets;
  worker?: WorkerOptions;
}

/** The queue, its worker and its three kinds of target, assembled. */
export class DeliveryService {
  readonly queue: DeliveryQueue;
  readonly worker: DeliveryWorker;
  private readonly feed = new Set<(event: FenceEvent, id: string) => void>();
  private readonly publisher?: NatsPublisher;
  private readonly dataDir: string;
  private readonly log: (line: string) => void;
  private retentionTimer?: NodeJS.Timeout;
  private archiveTimer?: NodeJS.Timeout;
  private archiving: Promise<{ events: number; parts: number }> = Promise.resolve({ events: 0, parts: 0 });
  private checkpointer?: Checkpointer;

  constructor(options: DeliveryServiceOptions) {
    this.dataDir = options.dataDir;
    this.log = options.worker?.log ?? (() => {});
    mkdirSync(options.dataDir, { recursive: true });
    this.queue = DeliveryQueue.open(join(options.dataDir, 'queue.sqlite'), options);
    const secrets = secretsFrom(options.env, options.secrets);
    const clock = options.clock ?? Date.now;
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
          return deliverWebhook(target, item, secret, clock);
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
    this.worker = new DeliveryWorker(this.queue, deliver, options.worker);
  }

  start(): void {
    this.checkpointer ??= new Checkpointer(this.queue.file);
    this.worker.start();
    this.retentionTimer = setInterval(() => {
      try {
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
    clearInterval(this.retentionTimer);
    clearInterval(this.archiveTimer);
    await this.archiving;
    await this.worker.stop();
    await this.checkpointer?.stop();
    await this.publisher?.close();
    this.queue.close();
  }

  /** The renderer's live event feed (the built-in `feed` target delivers here). */
  onFeed(listener: (event: FenceEvent, id: string) => void): () => void {
    this.feed.add(listener);
    return () => this.feed.delete(listener);
  }

  /**
   * Re-delivers past events to one target: from the SQLite log, and from the Parquet archive for
   * those older than the log's oldest.
   */
  async replay(filter: ArchivedEventFilter, targetId: string): Promise<{ fromLog: number; fromArchive: number; ids: string[] }> {
    if (!this.queue.targets.get(targetId)) throw new Error(`no target "${targetId}"`);
    const fromLog = this.queue.log.events(filter);
    const oldest = this.queue.log.oldestTs();
    const older =
      oldest === undefined || filter.from === undefined || filter.from < oldest
        ? await archivedEvents(this.dataDir, { ...filter, ...(oldest !== undefined ? { to: Math.min(filter.to ?? Infinity, oldest) } : {}) })
        : [];
    const ids = this.queue.replay([...older, ...fromLog], targetId);
    return { fromLog: fromLog.length, fromArchive: older.length, ids };
  }
}
