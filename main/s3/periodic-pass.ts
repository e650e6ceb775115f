const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * A copier's timer: runs `pass` every `intervalMs`, one at a time; after failures, waits twice as long
 * each time (up to 5 minutes). A failure is logged once while it stays the same, and kept for the status.
 */
export class PeriodicPass {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private failures = 0;
  /** The last pass's failure, until a pass succeeds. */
  error?: string;

  constructor(
    private readonly o: {
      intervalMs: number;
      pass: () => Promise<void>;
      /** The failure as the status and the log say it. */
      describe: (err: Error) => string;
      log: (line: string) => void;
    },
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    this.schedule(0);
  }

  /** Runs `work` now, after any pass under way and before the next; its failure is the caller's, its success clears the last. */
  async now<T>(work: () => Promise<T>): Promise<T> {
    await this.running;
    const result = work();
    this.running = result
      .then(
        () => (this.error = undefined),
        () => {},
      )
      .then(() => (this.running = undefined));
    await this.running;
    return result;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.run().finally(() => (this.running = undefined));
    }, ms);
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    try {
      await this.o.pass();
      this.failures = 0;
      this.error = undefined;
    } catch (err) {
      const message = this.o.describe(err as Error);
      if (message !== this.error) this.o.log(message);
      this.error = message;
      this.failures++;
    }
    this.schedule(this.failures ? Math.min(MAX_BACKOFF_MS, this.o.intervalMs * 2 ** this.failures) : this.o.intervalMs);
  }
}
