/** Deliveries that skip consumer sequences this often within WINDOW_MS mean another client pulls too. */
const GAPS = 3;
const WINDOW_MS = 60_000;

/**
 * Tells from the consumer sequences of this reader's deliveries whether another client pulls from
 * the same durable consumer: every delivery, to any client, takes the consumer's next sequence, so
 * deliveries that keep skipping some went elsewhere. Right after a (re)connect a skip may be a
 * delivery to a pull of a connection that is gone, so those are not counted.
 */
export class SharedConsumerWatch {
  private last = 0;
  private gaps: number[] = [];
  private countFrom = 0;

  /** A new connection at `now`; skips are counted from `graceMs` later. */
  reset(now: number, graceMs: number): void {
    this.last = 0;
    this.countFrom = now + graceMs;
  }

  /** A delivery with consumer sequence `delivery`, received at `now`. */
  note(delivery: number, now: number): void {
    if (this.last > 0 && delivery > this.last + 1 && now >= this.countFrom) this.gaps.push(now);
    if (delivery > this.last) this.last = delivery;
  }

  /** Whether another client has been pulling lately. */
  shared(now: number): boolean {
    while (this.gaps.length > 0 && now - this.gaps[0] > WINDOW_MS) this.gaps.shift();
    return this.gaps.length >= GAPS;
  }
}
