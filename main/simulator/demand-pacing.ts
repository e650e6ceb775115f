/**
 * How many ride requests are due at a steady rate: what has accrued since the last look, whole requests
 * only (the fraction waits for the next look), and never more than a second's worth (a stalled event
 * loop does not come back with a burst). Pure over its clock argument.
 */
export class DemandPacing {
  private owed = 0;

  constructor(
    private readonly perSec: number,
    private at: number,
  ) {}

  /** The requests due at `now` (epoch ms), taken: the next call counts from here. */
  due(now: number): number {
    this.owed = Math.min(this.perSec, this.owed + ((now - this.at) / 1000) * this.perSec);
    this.at = now;
    const n = Math.floor(this.owed);
    this.owed -= n;
    return n;
  }
}
