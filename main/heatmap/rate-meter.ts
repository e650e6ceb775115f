/** Events per second over the last few seconds, in one-second buckets. */
export class RateMeter {
  private readonly counts: Float64Array;
  private readonly seconds: Float64Array;
  total = 0;

  constructor(private readonly spanS = 5) {
    this.counts = new Float64Array(spanS + 1);
    this.seconds = new Float64Array(spanS + 1).fill(-1);
  }

  add(n: number, now: number): void {
    const s = Math.floor(now / 1000);
    const i = s % this.counts.length;
    if (this.seconds[i] !== s) {
      this.seconds[i] = s;
      this.counts[i] = 0;
    }
    this.counts[i] += n;
    this.total += n;
  }

  /** Average over the last `spanS` whole seconds (the current, partial second is left out). */
  perSecond(now: number): number {
    const s = Math.floor(now / 1000);
    let sum = 0;
    for (let i = 0; i < this.counts.length; i++) {
      if (this.seconds[i] < s && this.seconds[i] >= s - this.spanS) sum += this.counts[i];
    }
    return sum / this.spanS;
  }
}
