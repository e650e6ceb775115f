/**
 * The queue's health over time: a sample every few seconds in a ring (the last 15 minutes and hour),
 * one a minute in the queue's file (the day view). Rates and latency percentiles come from a tally the
 * queue keeps as events are recorded and deliveries succeed.
 */
import type Database from 'better-sqlite3';

export interface QueueSample {
  at: number;
  pending: number;
  processing: number;
  dlq: number;
  /** Of the attempts in the interval; null when there were none (a gap in the chart, not 100 %). */
  success_rate_percent: number | null;
  /** Of the deliveries in the interval; null when there were none. */
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  /** Fence events recorded per second. */
  in_per_s: number;
  /** Deliveries to outside targets that succeeded, per second. */
  out_per_s: number;
}

/** The p-quantile (0–1) of sorted values, nearest rank; 0 when empty. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** Latencies kept for a quantile: all of them up to `cap`, then a uniform reservoir sample. */
class Reservoir {
  private values: number[] = [];
  private seen = 0;
  constructor(private readonly cap: number) {}
  add(v: number): void {
    this.seen++;
    if (this.values.length < this.cap) this.values.push(v);
    else {
      const j = Math.floor(Math.random() * this.seen);
      if (j < this.cap) this.values[j] = v;
    }
  }
  drain(): number[] {
    const out = this.values.sort((a, b) => a - b);
    this.values = [];
    this.seen = 0;
    return out;
  }
}

interface Interval {
  recorded: number;
  attempts: number;
  delivered: number;
  latencies: Reservoir;
}

const interval = (): Interval => ({ recorded: 0, attempts: 0, delivered: 0, latencies: new Reservoir(20_000) });

/** What happened since the last sample: events recorded, attempts to outside targets, their successes and latencies. */
export class DeliveryTally {
  private short = interval();
  private long = interval();

  recorded(events: number): void {
    this.short.recorded += events;
    this.long.recorded += events;
  }

  attempted(success: boolean, latencyMs: number): void {
    for (const i of [this.short, this.long]) {
      i.attempts++;
      if (success) {
        i.delivered++;
        i.latencies.add(latencyMs);
      }
    }
  }

  /** The figures of the interval since the last drain of this kind, over `seconds`. */
  drain(kind: 'short' | 'long', seconds: number): Omit<QueueSample, 'at' | 'pending' | 'processing' | 'dlq'> {
    const i = this[kind];
    this[kind] = interval();
    const sorted = i.latencies.drain();
    const round = (x: number) => Math.round(x * 100) / 100;
    return {
      success_rate_percent: i.attempts ? round((100 * i.delivered) / i.attempts) : null,
      latency_p50_ms: sorted.length ? round(quantile(sorted, 0.5)) : null,
      latency_p95_ms: sorted.length ? round(quantile(sorted, 0.95)) : null,
      latency_p99_ms: sorted.length ? round(quantile(sorted, 0.99)) : null,
      in_per_s: round(i.recorded / seconds),
      out_per_s: round(i.delivered / seconds),
    };
  }
}

/** A fixed number of the latest samples. */
export class SampleRing {
  private readonly items: QueueSample[] = [];
  constructor(private readonly capacity: number) {}
  push(s: QueueSample): void {
    this.items.push(s);
    if (this.items.length > this.capacity) this.items.shift();
  }
  since(at: number): QueueSample[] {
    return this.items.filter((s) => s.at >= at);
  }
}

export const SAMPLE_MS = 5000;
export const MINUTE_MS = 60_000;
/** Minute samples kept in the file. */
const KEPT_MS = 7 * 86_400_000;
export type HistoryRange = '15m' | '1h' | '1d';
const RANGE_MS: Record<HistoryRange, number> = { '15m': 15 * 60_000, '1h': 3600_000, '1d': 86_400_000 };

/** Samples the queue on a timer: into the ring every SAMPLE_MS, into `queue_samples` every minute. */
export class QueueHistory {
  private readonly ring = new SampleRing(3600_000 / SAMPLE_MS);
  private readonly put;
  private lastShort: number;
  private lastLong: number;

  constructor(
    private readonly db: Database.Database,
    private readonly tally: DeliveryTally,
    private readonly counts: () => { pending: number; processing: number; dlq: number },
    private readonly clock: () => number,
  ) {
    this.put = db.prepare(`INSERT OR REPLACE INTO queue_samples (at, sample) VALUES (?, ?)`);
    this.lastShort = this.lastLong = clock();
  }

  /** Takes a sample now (and the minute's, when one is due). */
  sample(): QueueSample {
    const now = this.clock();
    const counts = this.counts();
    const s: QueueSample = { at: now, ...counts, ...this.tally.drain('short', Math.max(0.001, (now - this.lastShort) / 1000)) };
    this.lastShort = now;
    this.ring.push(s);
    if (now - this.lastLong >= MINUTE_MS) {
      const minute: QueueSample = { at: now, ...counts, ...this.tally.drain('long', (now - this.lastLong) / 1000) };
      this.lastLong = now;
      this.db.transaction(() => {
        this.put.run(now, JSON.stringify(minute));
        this.db.prepare(`DELETE FROM queue_samples WHERE at < ?`).run(now - KEPT_MS);
      })();
    }
    return s;
  }

  /** The samples of the last 15 minutes or hour (every SAMPLE_MS), or day (a minute apart), oldest first. */
  samples(range: HistoryRange): { stepMs: number; samples: QueueSample[] } {
    const since = this.clock() - RANGE_MS[range];
    if (range !== '1d') return { stepMs: SAMPLE_MS, samples: this.ring.since(since) };
    const rows = this.db.prepare(`SELECT sample FROM queue_samples WHERE at >= ? ORDER BY at`).all(since) as { sample: string }[];
    return { stepMs: MINUTE_MS, samples: rows.map((r) => JSON.parse(r.sample) as QueueSample) };
  }
}
