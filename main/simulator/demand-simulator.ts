import type { DemandEvent } from '../../shared/demand';
import { seededRandom, type WalkerArea } from './walker';

const EARTH_M_PER_DEG = 111_320;
/**
 * The share of all requests a hotspot at full strength draws, split between the hotspots; the rest are a
 * city's everyday demand, which its supply covers (surge ×1.0). Measured (market-distribution.test.ts):
 * with the default fleet and rate, a strong hotspot lifts a cell or three to ×1.5–×3 and the city's
 * median stays at ×1.0.
 */
const FROM_HOTSPOTS = 0.45;
/** Everyday requests come from where people are, beside the walkers (metres, typically): one in a cell no walker is in would read ×5. */
const EVERYDAY_SPREAD_M = 40;
/** They fall within this share of the area's radius, where the walkers are dense (anywhere in it, without walkers to go by). */
const EVERYDAY_SHARE = 0.85;
/** How far from its hotspot's centre a request is, typically (metres): about a market cell's radius. */
const SPREAD_M = 450;
/** A hotspot wakes, peaks and sleeps over this long, each at its own phase (asleep half of it). */
const PERIOD_MS = 12 * 60_000;
/**
 * Hotspots wake over the simulator's first minutes: a market's supply builds up over its first ten or so
 * (it decays slower than demand), and a cold market would read every busy cell as surging meanwhile.
 */
const WARM_UP_MS = 8 * 60_000;
/** How fast a hotspot drifts (m/s). */
const DRIFT_MPS = 4;

interface Hotspot {
  lat: number;
  lon: number;
  heading: number;
  phase: number;
}

/**
 * Ride requests for the simulator's area: most are everyday demand from where people are, beside the
 * walkers (so supply covers it), and a share gathers around a few hotspots that drift across it and wake and sleep (each over
 * twelve minutes), so surges form in their cells and fade. Pure and seeded over its clock argument, like the walkers.
 */
export class DemandSimulator {
  private readonly random: () => number;
  private readonly hotspots: Hotspot[];
  private next = 0;
  private lastTs = 0;
  private firstTs?: number;

  constructor(
    private readonly area: WalkerArea,
    hotspots: number,
    seed: number,
    private readonly prefix = 'req',
  ) {
    this.random = seededRandom(seed ^ 0x5eed);
    this.hotspots = Array.from({ length: hotspots }, (_, i) => {
      const [lon, lat] = this.anywhere(0.6);
      return { lat, lon, heading: this.random() * 360, phase: (i / hotspots) * 2 * Math.PI };
    });
  }

  /** Where the hotspots are now, and how strong each is (0–1). */
  get spots(): { lat: number; lon: number; strength: number }[] {
    return this.hotspots.map((h) => ({ lat: h.lat, lon: h.lon, strength: this.strength(h, this.lastTs) }));
  }

  /** The next `n` requests at time `now` (epoch ms); the everyday ones beside fixes `near` (the walkers' latest) when given. */
  take(n: number, now: number, near?: readonly { lat: number; lon: number }[]): DemandEvent[] {
    this.drift(now);
    // Each hotspot draws its share in proportion to its strength now: a sleeping one draws nothing.
    const warm = Math.min(1, (now - (this.firstTs ??= now)) / WARM_UP_MS);
    const weights = this.hotspots.map((h) => (warm * FROM_HOTSPOTS * this.strength(h, now)) / this.hotspots.length);
    const total = weights.reduce((a, b) => a + b, 0);
    const out: DemandEvent[] = new Array(n);
    for (let k = 0; k < n; k++) {
      let lat: number;
      let lon: number;
      let pick = this.random();
      if (pick < total) {
        let i = 0;
        while (i < weights.length - 1 && (pick -= weights[i]!) > 0) i++;
        [lat, lon] = this.around(this.hotspots[i]!, SPREAD_M);
      } else {
        const by = near?.length ? near[Math.floor(this.random() * near.length)] : undefined;
        // Not from the area's edge, where a cell is half empty: there, anywhere well inside it instead.
        if (by && this.inside(by, EVERYDAY_SHARE)) [lat, lon] = this.around(by, EVERYDAY_SPREAD_M);
        else [lon, lat] = this.anywhere(EVERYDAY_SHARE);
      }
      out[k] = { id: `${this.prefix}-${this.next++}`, lat: Math.max(-90, Math.min(90, lat)), lon: ((((lon + 180) % 360) + 360) % 360) - 180, ts: now };
    }
    return out;
  }

  /** Whether `p` is within `share` of the area's radius of its centre. */
  private inside(p: { lat: number; lon: number }, share: number): boolean {
    const [lon0, lat0] = this.area.center;
    const dx = (p.lon - lon0) * EARTH_M_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
    const dy = (p.lat - lat0) * EARTH_M_PER_DEG;
    return dx * dx + dy * dy <= (share * this.area.radiusKm * 1000) ** 2;
  }

  /** A point a normal spread of `spreadM` around `p` (Box–Muller), as [lat, lon]. */
  private around(p: { lat: number; lon: number }, spreadM: number): [number, number] {
    const r = spreadM * Math.sqrt(-2 * Math.log(1 - this.random()));
    const a = this.random() * 2 * Math.PI;
    return [p.lat + (r * Math.cos(a)) / EARTH_M_PER_DEG, p.lon + (r * Math.sin(a)) / (EARTH_M_PER_DEG * Math.cos((p.lat * Math.PI) / 180))];
  }

  /** 0 asleep, rising to 1 at its peak and back: a sine's upper half, squared so the peak is brief. */
  private strength(h: Hotspot, now: number): number {
    return Math.max(0, Math.sin((2 * Math.PI * now) / PERIOD_MS + h.phase)) ** 2;
  }

  /** Moves the hotspots by the time since the last call, turning back towards the centre near the edge. */
  private drift(now: number): void {
    const dtS = this.lastTs ? Math.min(60, (now - this.lastTs) / 1000) : 0;
    this.lastTs = now;
    if (dtS <= 0) return;
    const [lon0, lat0] = this.area.center;
    for (const h of this.hotspots) {
      const mPerDegLon = EARTH_M_PER_DEG * Math.cos((h.lat * Math.PI) / 180);
      const dx = (h.lon - lon0) * mPerDegLon;
      const dy = (h.lat - lat0) * EARTH_M_PER_DEG;
      h.heading += (this.random() - 0.5) * 20;
      if (dx * dx + dy * dy > (0.7 * this.area.radiusKm * 1000) ** 2) h.heading = (Math.atan2(-dx, -dy) * 180) / Math.PI;
      const rad = (h.heading * Math.PI) / 180;
      h.lat += (DRIFT_MPS * dtS * Math.cos(rad)) / EARTH_M_PER_DEG;
      h.lon += (DRIFT_MPS * dtS * Math.sin(rad)) / mPerDegLon;
    }
  }

  /** A uniform point within `share` of the area's radius. */
  private anywhere(share: number): [number, number] {
    const [lon0, lat0] = this.area.center;
    const r = Math.sqrt(this.random()) * this.area.radiusKm * 1000 * share;
    const a = this.random() * 2 * Math.PI;
    return [lon0 + (r * Math.sin(a)) / (EARTH_M_PER_DEG * Math.cos((lat0 * Math.PI) / 180)), lat0 + (r * Math.cos(a)) / EARTH_M_PER_DEG];
  }
}
