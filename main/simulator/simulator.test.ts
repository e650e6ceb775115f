import { describe, expect, it } from 'vitest';
import { PositionSchema } from '../../shared/position';
import { Simulator } from './simulator';

const options = { devices: 50, ratePerSec: 1000, center: [-73.9851, 40.7589] as const, radiusKm: 2, speedMps: 10, fleet: 'walkers', seed: 3 };

describe('Simulator', () => {
  it('emits valid positions for every device in turn, with the given timestamp', () => {
    const sim = new Simulator(options);
    const batch = sim.take(120, 1_704_067_200_000);
    expect(batch).toHaveLength(120);
    for (const p of batch) expect(PositionSchema.safeParse(p).success).toBe(true);
    expect(new Set(batch.map((p) => p.id)).size).toBe(50);
    expect(batch[0].id).toBe('walkers-0');
    expect(batch[50].id).toBe('walkers-0');
    expect(batch.every((p) => p.ts === 1_704_067_200_000)).toBe(true);
  });

  it('is reproducible from its seed and moves devices at a plausible speed while keeping them near the area', () => {
    const a = new Simulator(options);
    const b = new Simulator(options);
    let t = 1_704_067_200_000;
    let pa = a.take(50, t);
    expect(b.take(50, t)).toEqual(pa);
    for (let step = 0; step < 600; step++) {
      t += 1000;
      const next = a.take(50, t);
      for (let i = 0; i < 50; i++) {
        const dLat = (next[i].lat - pa[i].lat) * 111_320;
        const dLon = (next[i].lon - pa[i].lon) * 111_320 * Math.cos((pa[i].lat * Math.PI) / 180);
        expect(Math.hypot(dLat, dLon)).toBeLessThanOrEqual(next[i].speed! * 1.0001);
      }
      pa = next;
    }
    for (const p of pa) {
      const km = Math.hypot((p.lat - 40.7589) * 111.32, (p.lon + 73.9851) * 111.32 * Math.cos((40.7589 * Math.PI) / 180));
      expect(km).toBeLessThan(2 + 1); // steered back once outside; never far
    }
  });
});
