import type { HistoryStore } from './history-store';

/**
 * The history's maintenance on a timer: every interval, the ended hours rolled into the archive and then
 * the expired ones deleted. One roll at a time: a tick that finds the last still running is skipped.
 */
export class RollSchedule {
  private timer?: NodeJS.Timeout;
  private rolling = false;

  constructor(
    private readonly history: Pick<HistoryStore, 'roll' | 'applyRetention'>,
    private readonly intervalMs: number,
    private readonly clock: () => number,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
  }

  /** Stops the timer; a roll under way finishes on its own. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    if (this.rolling) return;
    this.rolling = true;
    const now = this.clock();
    this.history
      .roll(now)
      .then(() => this.history.applyRetention(now))
      .catch((err: Error) => this.log(`history: roll failed: ${err.message}`))
      .finally(() => (this.rolling = false));
  }
}
