/**
 * Traffic as fleets send it, for tests and benches: a publisher that keeps a steady rate (not a burst),
 * and a watcher that samples how many positions the engine has committed, so each position's
 * publish → committed delay can be read off against the publisher's clock.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Simulator } from '../../main/simulator';

export interface SteadyPublisherOptions {
  nc: NatsConnection;
  subject: string;
  ratePerSec: number;
  /** Devices the positions come from (each reports in turn). */
  devices?: number;
  seed?: number;
  /** The `ts` of the i-th position published at `now` (default: now). */
  ts?: (i: number, now: number) => number;
  /** Publish no more than this many. */
  limit?: number;
  /** Each position's subject from its device id (as fleets publish, `pos.<id>`), instead of `subject`. */
  subjectOf?: (id: string) => string;
}

/**
 * Publishes `ratePerSec` positions a second with core NATS (JetStream stores them), a few every
 * millisecond-ish tick so no gap or burst forms, each stamped with the time it is published.
 */
export class SteadyPublisher {
  /** Date.now() at which the i-th position (0-based) was published. */
  readonly sentAt: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly sim: Simulator;
  private startedAt = 0;

  constructor(private readonly options: SteadyPublisherOptions) {
    this.sim = new Simulator({
      devices: options.devices ?? 500,
      ratePerSec: 1,
      center: [-73.9851, 40.7589],
      radiusKm: 5,
      speedMps: 9,
      fleet: 'steady',
      seed: options.seed ?? 1,
    });
  }

  get published(): number {
    return this.sentAt.length;
  }

  start(): this {
    this.startedAt = Date.now();
    this.timer = setInterval(() => this.tick(), 5);
    return this;
  }

  /** Publishes until `ms` have passed (from start), then stops and flushes. */
  async runFor(ms: number): Promise<void> {
    if (!this.timer) this.start();
    await new Promise((r) => setTimeout(r, Math.max(0, this.startedAt + ms - Date.now())));
    await this.stop();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.options.nc.flush().catch(() => undefined);
  }

  private tick(): void {
    const now = Date.now();
    const { ratePerSec, limit = Infinity, ts } = this.options;
    const due = Math.min(limit, Math.floor(((now - this.startedAt) * ratePerSec) / 1000));
    const n = due - this.sentAt.length;
    if (n <= 0) return;
    for (const p of this.sim.take(n, now)) {
      if (ts) p.ts = ts(this.sentAt.length, now);
      this.options.nc.publish(this.options.subjectOf?.(p.id) ?? this.options.subject, JSON.stringify(p));
      this.sentAt.push(now);
    }
  }
}

/** Samples (time, committed) every `intervalMs` from `read` until stopped. */
export class CommitWatch {
  private readonly times: number[] = [];
  private readonly counts: number[] = [];
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(read: () => Promise<number> | number, intervalMs = 10) {
    this.done = (async () => {
      while (!this.stopped) {
        const count = await read();
        // The time the answer arrived: a commit is counted no earlier than it really happened.
        this.times.push(Date.now());
        this.counts.push(count);
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    })();
  }

  get last(): number {
    return this.counts.at(-1) ?? 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  /**
   * Each published position's delay until it was committed (ms): the k-th position published counts
   * as committed at the first sample that shows at least k committed (a steady stream commits in order).
   * Positions never seen committed are left out; `missing` says how many.
   */
  delays(sentAt: readonly number[]): { delays: number[]; missing: number } {
    const delays: number[] = [];
    let s = 0;
    for (let k = 0; k < sentAt.length; k++) {
      while (s < this.counts.length && this.counts[s] < k + 1) s++;
      if (s === this.counts.length) return { delays, missing: sentAt.length - k };
      delays.push(this.times[s] - sentAt[k]);
    }
    return { delays, missing: 0 };
  }
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * How many messages `stream` holds once publishing has stopped: a flushed publisher's last messages
 * may still be on their way into the stream (replicated first, in a cluster), so it is read until two
 * readings 300 ms apart agree.
 */
export async function settledStreamCount(nc: NatsConnection, stream = 'POSITIONS'): Promise<number> {
  const jsm = await jetstreamManager(nc);
  let last = -1;
  for (let i = 0; i < 100; i++) {
    const now = (await jsm.streams.info(stream)).state.messages;
    if (now === last) return now;
    last = now;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`stream ${stream} kept changing (${last} messages)`);
}
