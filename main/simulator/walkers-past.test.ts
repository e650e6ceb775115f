import { describe, expect, it } from 'vitest';
import { Simulator } from './simulator';
import { WalkersPast } from './walkers-past';

const settings = { devices: 40, ratePerSec: 40, center: [-73.9851, 40.7589] as const, radiusKm: 3, speedMps: 9, fleet: 'walkers', seed: 7 };
const metres = (lat1: number, lon1: number, lat2: number, lon2: number) =>
  Math.hypot((lat2 - lat1) * 111_320, (lon2 - lon1) * 111_320 * Math.cos((lat1 * Math.PI) / 180));

describe('the walkers’ past', () => {
  it('is the live fleet walked backwards: each walker’s last past fix leads to where it starts live, at its own speed', () => {
    const to = Date.UTC(2026, 2, 2, 12);
    const past = new WalkersPast(settings, to, 1, 30_000);
    expect(past.steps).toBe(120);
    expect(past.from).toBe(to - 3_600_000);
    const live = new Simulator(settings).take(settings.devices, to);
    for (let i = 0; i < past.devices; i++) {
      const last = (past.steps - 1) * past.devices + i;
      expect(past.ids[i]).toBe(live[i]!.id);
      expect(past.timeOf(past.steps - 1, i)).toBeLessThan(to);
      const dtS = (to - past.timeOf(past.steps - 1, i)) / 1000;
      expect(metres(past.lat[last]!, past.lon[last]!, live[i]!.lat, live[i]!.lon)).toBeLessThanOrEqual(live[i]!.speed! * dtS * 1.0001);
      // And step to step, no faster than the walker goes.
      for (let k = 1; k < past.steps; k++) {
        const [a, b] = [(k - 1) * past.devices + i, k * past.devices + i];
        expect(metres(past.lat[a]!, past.lon[a]!, past.lat[b]!, past.lon[b]!)).toBeLessThanOrEqual(past.speed[b]! * 30 * 1.001);
      }
    }
  });

  it('is the same for the same seed', () => {
    const a = new WalkersPast(settings, 1e12, 1, 60_000);
    const b = new WalkersPast(settings, 1e12, 1, 60_000);
    expect(a.lat).toEqual(b.lat);
    expect(a.lon).toEqual(b.lon);
  });
});
