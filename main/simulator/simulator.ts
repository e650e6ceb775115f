import type { Position } from '../../shared/position';
import { createFleet, seededRandom, stepWalker, type Fleet, type WalkerArea } from './walker';

export interface SimulatorOptions {
  devices: number;
  ratePerSec: number;
  center: readonly [number, number];
  radiusKm: number;
  speedMps: number;
  fleet: string;
  seed: number;
}

/**
 * Produces fixes from a fleet of walkers at a steady total rate, device after device, each moved by
 * the time since its own previous fix. `take` is pure over its clock argument; `start` drives it.
 */
export class Simulator {
  private readonly fleet: Fleet;
  private readonly area: WalkerArea;
  private readonly random: () => number;
  private readonly lastTs: Float64Array;
  private next = 0;
  private owed = 0;
  private lastTick = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SimulatorOptions) {
    this.random = seededRandom(options.seed);
    this.area = { center: options.center, radiusKm: options.radiusKm };
    this.fleet = createFleet(options.devices, this.area, options.speedMps, options.fleet, this.random);
    this.lastTs = new Float64Array(options.devices);
  }

  get devices(): number {
    return this.fleet.count;
  }

  /** The next `n` fixes at time `now` (epoch ms). */
  take(n: number, now: number): Position[] {
    const out: Position[] = new Array(n);
    const f = this.fleet;
    for (let k = 0; k < n; k++) {
      const i = this.next;
      this.next = (i + 1) % f.count;
      const dtS = this.lastTs[i] ? Math.min(60, (now - this.lastTs[i]) / 1000) : 0;
      if (dtS > 0) stepWalker(f, i, dtS, this.area, this.random);
      this.lastTs[i] = now;
      out[k] = {
        id: f.ids[i],
        lat: f.lat[i],
        lon: f.lon[i],
        ts: now,
        speed: f.speed[i],
        heading: f.heading[i],
        kind: f.kinds[i],
      };
    }
    return out;
  }

  /** Emits batches every `tickMs` until stopped, keeping the configured rate whatever the timer jitter. */
  start(onBatch: (batch: Position[]) => void, tickMs = 100, clock: () => number = Date.now): void {
    this.stop();
    this.lastTick = clock();
    this.timer = setInterval(() => {
      const now = clock();
      // A stalled event loop catches up by at most one second of fixes, not with one giant batch.
      this.owed = Math.min(this.options.ratePerSec, this.owed + ((now - this.lastTick) / 1000) * this.options.ratePerSec);
      this.lastTick = now;
      const n = Math.floor(this.owed);
      if (n <= 0) return;
      this.owed -= n;
      onBatch(this.take(n, now));
    }, tickMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
