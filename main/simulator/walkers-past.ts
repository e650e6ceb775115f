import type { SimulatorOptions } from './simulator';
import { createFleet, seededRandom, stepWalker } from './walker';

/**
 * Where the walkers were over a stretch before `to`, at one fix per device every `intervalMs`: the same
 * fleet (ids, kinds, speeds) as the live simulator of this seed, walked backwards from where the live
 * walkers start (a walk backwards is a walk forwards with the heading turned round), so their past ends
 * where their present begins. Step k holds every device's fix, device i at `from + k·interval + i·interval/devices`
 * (fixes spread over the step, in time order within it). Pure and seeded.
 */
export class WalkersPast {
  readonly ids: readonly string[];
  readonly kinds: readonly ('supply' | 'demand')[];
  readonly devices: number;
  readonly steps: number;
  readonly from: number;
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  /** The direction each was heading at the fix, forwards in time (degrees). */
  readonly heading: Float32Array;
  readonly speed: Float32Array;

  constructor(
    settings: Omit<SimulatorOptions, 'ratePerSec'>,
    readonly to: number,
    hours: number,
    readonly intervalMs: number,
  ) {
    const area = { center: settings.center, radiusKm: settings.radiusKm };
    // The live simulator's own fleet: the same seed, drawn the same way.
    const fleet = createFleet(settings.devices, area, settings.speedMps, settings.fleet, seededRandom(settings.seed));
    const back = seededRandom(settings.seed ^ 0x9a57);
    const d = (this.devices = fleet.count);
    const k = (this.steps = Math.floor((hours * 3_600_000) / intervalMs));
    this.from = to - k * intervalMs;
    this.ids = fleet.ids;
    this.kinds = fleet.kinds;
    this.lat = new Float64Array(k * d);
    this.lon = new Float64Array(k * d);
    this.heading = new Float32Array(k * d);
    this.speed = new Float32Array(k * d);
    for (let i = 0; i < d; i++) fleet.heading[i] = (fleet.heading[i] + 180) % 360;
    for (let step = k - 1; step >= 0; step--) {
      for (let i = 0; i < d; i++) {
        // The last step's fix is this far before `to`, where the live walker takes over.
        const dtMs = step === k - 1 ? intervalMs - this.offset(i) : intervalMs;
        stepWalker(fleet, i, dtMs / 1000, area, back);
        const at = step * d + i;
        this.lat[at] = fleet.lat[i];
        this.lon[at] = fleet.lon[i];
        this.heading[at] = (fleet.heading[i] + 180) % 360;
        this.speed[at] = fleet.speed[i];
      }
    }
  }

  /** When device i's fix of a step is, after the step's start. */
  offset(i: number): number {
    return Math.floor((i * this.intervalMs) / this.devices);
  }

  /** The time of device i's fix at step k. */
  timeOf(step: number, i: number): number {
    return this.from + step * this.intervalMs + this.offset(i);
  }
}
