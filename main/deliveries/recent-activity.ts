/**
 * The queue's last hour, a minute at a time, in memory: attempts per target (how many, how many were
 * delivered, their latency, the latest) and events recorded per fence. The figures read it instead of
 * scanning an hour of the delivery log at every refresh; it is seeded from the file when the queue opens,
 * so a restart shows the same hour.
 */
import type Database from 'better-sqlite3';

export const MINUTE_MS = 60_000;
/** Minutes kept: the last hour. */
export const MINUTES = 60;

/** Per key, a ring of one-minute slots, each stamped with its minute and holding `width` sums. */
export class MinuteWindow {
  private readonly rows = new Map<string, { stamps: Float64Array; sums: Float64Array }>();

  constructor(private readonly width: number) {}

  add(key: string, at: number, values: readonly number[]): void {
    const minute = Math.floor(at / MINUTE_MS);
    let row = this.rows.get(key);
    if (!row) this.rows.set(key, (row = { stamps: new Float64Array(MINUTES).fill(-1), sums: new Float64Array(MINUTES * this.width) }));
    const slot = ((minute % MINUTES) + MINUTES) % MINUTES;
    // A slot still holding an older minute is that minute's no more: it starts again at 0.
    if (row.stamps[slot] !== minute) {
      if (row.stamps[slot]! > minute) return; // older than the ring holds
      row.stamps[slot] = minute;
      row.sums.fill(0, slot * this.width, (slot + 1) * this.width);
    }
    for (let i = 0; i < this.width; i++) row.sums[slot * this.width + i]! += values[i] ?? 0;
  }

  /** The sums over the `minutes` minutes up to and including the one of `now`. */
  sum(key: string, now: number, minutes = MINUTES): number[] {
    const out = new Array<number>(this.width).fill(0);
    const row = this.rows.get(key);
    if (!row) return out;
    const last = Math.floor(now / MINUTE_MS);
    for (let slot = 0; slot < MINUTES; slot++) {
      const stamp = row.stamps[slot]!;
      if (stamp > last || stamp <= last - minutes) continue;
      for (let i = 0; i < this.width; i++) out[i]! += row.sums[slot * this.width + i]!;
    }
    return out;
  }

  /** The first sum of each of the last `minutes` minutes, oldest first. */
  perMinute(key: string, now: number, minutes: number): number[] {
    const out = new Array<number>(minutes).fill(0);
    const row = this.rows.get(key);
    if (!row) return out;
    const last = Math.floor(now / MINUTE_MS);
    for (let slot = 0; slot < MINUTES; slot++) {
      const age = last - row.stamps[slot]!;
      if (age >= 0 && age < minutes) out[minutes - 1 - age] = row.sums[slot * this.width]!;
    }
    return out;
  }

  keys(): IterableIterator<string> {
    return this.rows.keys();
  }
}

export interface LastAttempt {
  at: number;
  status: 'success' | 'failed' | 'timeout';
  http_status: number | null;
  error: string | null;
}

/** What the queue did in the last hour, per target and per fence. */
export class RecentActivity {
  /** Per target: attempts, successes, the sum of the successes' latency. */
  private readonly attempts = new MinuteWindow(3);
  /** Per fence: events recorded (by the event's time). */
  private readonly events = new MinuteWindow(1);
  private readonly latest = new Map<string, LastAttempt>();
  private readonly listeners = new Set<() => void>();

  attempted(target: string, a: LastAttempt, latencyMs: number): void {
    const ok = a.status === 'success';
    this.attempts.add(target, a.at, [1, ok ? 1 : 0, ok ? latencyMs : 0]);
    this.latest.set(target, a);
  }

  recorded(fence: string, ts: number): void {
    this.events.add(fence, ts, [1]);
  }

  /** Says that something was recorded (called once per batch, not per item). */
  changed(): void {
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A target's last hour: attempts, deliveries and their mean latency (null when none), and its latest attempt. */
  target(id: string, now: number): { attempted: number; delivered: number; latencyMs: number | null; last: LastAttempt | null } {
    const [attempted, delivered, latency] = this.attempts.sum(id, now) as [number, number, number];
    const last = this.latest.get(id);
    return { attempted, delivered, latencyMs: delivered ? latency / delivered : null, last: last && last.at > now - MINUTES * MINUTE_MS ? last : null };
  }

  /** Every target attempted in the last hour, removed ones too. */
  targets(): IterableIterator<string> {
    return this.attempts.keys();
  }

  /** Every fence with events in the last hour: how many, and how many in each of the last `minutes` minutes. */
  fences(now: number, minutes: number): Record<string, { last_hour: number; per_minute: number[] }> {
    const out: Record<string, { last_hour: number; per_minute: number[] }> = {};
    for (const fence of this.events.keys()) {
      const [n] = this.events.sum(fence, now) as [number];
      if (n > 0) out[fence] = { last_hour: n, per_minute: this.events.perMinute(fence, now, minutes) };
    }
    return out;
  }

  /** Reads the last hour back from the file: the attempts of the delivery log and the events of the event log. */
  seed(db: Database.Database, now: number): void {
    const since = now - MINUTES * MINUTE_MS;
    const attempts = db
      .prepare(
        `SELECT target_id, at / ${MINUTE_MS} AS minute, COUNT(*) AS n, SUM(status = 'success') AS ok,
         SUM(CASE WHEN status = 'success' THEN latency_ms ELSE 0 END) AS latency
         FROM delivery_log WHERE at >= ? GROUP BY 1, 2`,
      )
      .all(since) as { target_id: string; minute: number; n: number; ok: number; latency: number }[];
    for (const a of attempts) this.attempts.add(a.target_id, a.minute * MINUTE_MS, [a.n, a.ok, a.latency]);
    const latest = db
      .prepare(
        `SELECT target_id, at, status, http_status, error FROM delivery_log
         WHERE id IN (SELECT MAX(id) FROM delivery_log WHERE at >= ? GROUP BY target_id)`,
      )
      .all(since) as (LastAttempt & { target_id: string })[];
    for (const { target_id, ...a } of latest) this.latest.set(target_id, a);
    const events = db
      .prepare(`SELECT fence_id, ts / ${MINUTE_MS} AS minute, COUNT(*) AS n FROM fence_events INDEXED BY fence_events_ts WHERE ts >= ? GROUP BY 1, 2`)
      .all(since) as { fence_id: string; minute: number; n: number }[];
    for (const e of events) this.events.add(e.fence_id, e.minute * MINUTE_MS, [e.n]);
  }
}
