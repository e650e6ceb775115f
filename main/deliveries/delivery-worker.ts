import { hostname } from 'node:os';
import type { AttemptOutcome, DeliveryQueue, QueueItem, Target } from './delivery-queue';

export type Deliver = (target: Target, item: QueueItem) => Promise<AttemptOutcome>;

export interface WorkerOptions {
  /** Names this worker's claims. */
  owner?: string;
  /** Items claimed at most at once. */
  batch?: number;
  /** Items of one (fence, target) claimed together and delivered one after another. */
  runMax?: number;
  /** Longest sleep when nothing is due (a new enqueue wakes the worker at once). */
  pollMs?: number;
  log?: (line: string) => void;
}

/**
 * Attempts are recorded together, at most this long after the first or at this many: a commit costs about
 * a page per fence it touches, so one of 500 results costs a quarter of five of 100. Sooner when a fence's
 * next item waits behind an attempt done and not yet recorded.
 */
const FLUSH_MS = 50;
const FLUSH_MAX = 500;

/** A counting semaphore: a target's concurrency. */
class Slots {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * Claims due items, delivers each (fence, target) run in order, records every attempt. Attempts
 * finished in the same turn of the event loop are recorded in one transaction.
 */
export class DeliveryWorker {
  readonly owner: string;
  private readonly batch: number;
  private readonly runMax: number;
  private readonly pollMs: number;
  private readonly log: (line: string) => void;
  private running = false;
  private inflight = 0;
  private readonly tasks = new Set<Promise<void>>();
  private readonly slots = new Map<string, { slots: Slots; concurrency: number }>();
  private results: { item: QueueItem; outcome: AttemptOutcome }[] = [];
  private flushTimer?: NodeJS.Timeout;
  private wake?: () => void;
  private loopDone?: Promise<void>;
  private unlisten?: () => void;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly deliver: Deliver,
    options: WorkerOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.batch = options.batch ?? 500;
    this.runMax = options.runMax ?? 50;
    this.pollMs = options.pollMs ?? 1000;
    this.log = options.log ?? (() => {});
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unlisten = this.queue.onEnqueue(() => this.wake?.());
    this.loopDone = this.loop();
  }

  /** Finishes the attempts under way, returns the rest of their runs to the queue, records everything. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unlisten?.();
    this.wake?.();
    await this.loopDone;
    await Promise.all(this.tasks);
    this.flush();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      // Claim in bulk: one transaction for many items, not one per finished delivery.
      const room = this.batch - this.inflight;
      let claimed: QueueItem[] = [];
      if (room >= this.batch / 2) {
        claimed = this.safely(() => this.queue.claim(this.owner, room, this.runMax)) ?? [];
        if (claimed.length === 0 && this.results.length > 0 && this.queue.waitingOnHeads) {
          // Nothing to start while a fence's next item waits on an attempt done: record now, and look again.
          // Otherwise attempts wait for the next flush (a transaction per attempt cost the most at low rates).
          this.flush();
          claimed = this.safely(() => this.queue.claim(this.owner, room, this.runMax)) ?? [];
        }
      }
      for (const run of runsOf(claimed)) this.track(this.runOne(run));
      if (claimed.length === 0 || room - claimed.length <= 0) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    const due = this.safely(() => this.queue.nextDueAt());
    const wait = due === undefined ? this.pollMs : Math.min(this.pollMs, Math.max(due - Date.now(), 5));
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), wait);
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
    });
  }

  private track(task: Promise<void>): void {
    this.tasks.add(task);
    void task.finally(() => {
      this.tasks.delete(task);
      this.wake?.();
    });
  }

  private async runOne(run: QueueItem[]): Promise<void> {
    this.inflight += run.length;
    try {
      // A run has one target; a 410 ahead in the run stops the run, so one look suffices.
      const target = this.safely(() => this.queue.targets.get(run[0].targetId));
      for (let i = 0; i < run.length; i++) {
        const item = run[i];
        if (!target || !target.enabled) {
          const why = target ? `target ${target.id} is disabled: ${target.disabledReason ?? 'disabled'}` : `target ${item.targetId} no longer exists`;
          this.safely(() => this.queue.refuse(run.slice(i), this.owner, why));
          return;
        }
        if (!this.running) {
          this.safely(() => this.queue.release(run.slice(i), this.owner));
          return;
        }
        if (item.renderError !== undefined) {
          // Nothing to send: it waits in the dead-letter queue with why, and its fence's next events go on.
          this.safely(() => this.queue.refuse([item], this.owner, `cannot render the event: ${item.renderError}`));
          continue;
        }
        const slot = this.slotsOf(target);
        await slot.take();
        let outcome: AttemptOutcome;
        try {
          outcome = await this.deliver(target, item);
        } catch (err) {
          outcome = { status: 'failed', latencyMs: 0, error: (err as Error).message };
        } finally {
          slot.give();
        }
        this.results.push({ item, outcome });
        this.scheduleFlush();
        if (outcome.status !== 'success') {
          // FIFO: nothing behind a failed item of its fence goes before it.
          this.safely(() => this.queue.release(run.slice(i + 1), this.owner));
          return;
        }
      }
    } finally {
      this.inflight -= run.length;
    }
  }

  private slotsOf(target: Target): Slots {
    let s = this.slots.get(target.id);
    if (!s || s.concurrency !== target.concurrency) this.slots.set(target.id, (s = { slots: new Slots(target.concurrency), concurrency: target.concurrency }));
    return s.slots;
  }

  private scheduleFlush(): void {
    if (this.results.length >= FLUSH_MAX) return this.flush();
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.results;
    this.results = [];
    // On failure the items stay unrecorded, so waiting in the file: the next engine to open it sends them again, never lost.
    this.safely(() => this.queue.record(batch, this.owner));
  }

  private safely<T>(f: () => T): T | undefined {
    try {
      return f();
    } catch (err) {
      this.log(`queue: ${(err as Error).message}`);
      return undefined;
    }
  }
}

/** Claimed items grouped into (fence, target) runs, each in queue order. */
export function runsOf(items: readonly QueueItem[]): QueueItem[][] {
  const runs = new Map<string, QueueItem[]>();
  for (const item of items) {
    const key = `${item.partitionKey}\u0000${item.targetId}`;
    const run = runs.get(key);
    if (run) run.push(item);
    else runs.set(key, [item]);
  }
  for (const run of runs.values()) run.sort((a, b) => a.seq - b.seq);
  return [...runs.values()];
}
