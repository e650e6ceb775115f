/**
 * Folds a burst of changes into one call: `fire` runs `ms` after the first change of a burst, and the
 * changes until then ride along with it.
 */
export class ChangeThrottle {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    private readonly fire: () => void,
  ) {}

  changed(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, this.ms);
  }

  /** Drops a call still waiting. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
