import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { DemandSimulator } from './demand-simulator';

const area = { center: [-73.9851, 40.7589] as const, radiusKm: 8 };

describe('simulated demand', () => {
  it('is the same for the same seed and clock, and valid requests inside the area', () => {
    const a = new DemandSimulator(area, 3, 1);
    const b = new DemandSimulator(area, 3, 1);
    const t0 = Date.UTC(2026, 11, 5);
    for (let t = 0; t < 10; t++) expect(a.take(50, t0 + t * 1000)).toEqual(b.take(50, t0 + t * 1000));
    const reqs = a.take(2000, t0 + 20_000);
    expect(new Set(reqs.map((r) => r.id)).size).toBe(2000);
    for (const r of reqs) expect(Math.hypot((r.lat - 40.7589) * 111, (r.lon + 73.9851) * 84)).toBeLessThan(10);
  });

  it('gathers around its hotspots once they are awake: the busiest cell holds several times an even share', () => {
    const sim = new DemandSimulator(area, 3, 4);
    const t0 = Date.UTC(2026, 11, 5);
    // Hotspots wake over the first minutes: at the start all requests are everyday ones.
    const cold = new Map<string, number>();
    for (const r of sim.take(20_000, t0)) cold.set(latLngToCell(r.lat, r.lon, 8), (cold.get(latLngToCell(r.lat, r.lon, 8)) ?? 0) + 1);
    expect(Math.max(...cold.values())).toBeLessThan((3 * 20_000) / cold.size);
    const perCell = new Map<string, number>();
    for (const r of sim.take(20_000, t0 + 10 * 60_000)) {
      const c = latLngToCell(r.lat, r.lon, 8);
      perCell.set(c, (perCell.get(c) ?? 0) + 1);
    }
    const counts = [...perCell.values()].sort((x, y) => y - x);
    const even = 20_000 / perCell.size;
    // Most requests are the city's everyday demand, spread out; the hotspots' share piles up in a few cells.
    expect(counts[0]).toBeGreaterThan(5 * even);
  });

  it('puts everyday requests beside the walkers it is given, none at the area’s edge', () => {
    const sim = new DemandSimulator(area, 3, 2);
    const walker = { lat: 40.75, lon: -73.99 };
    const edge = { lat: 40.7589 + 7.9 / 111.32, lon: -73.9851 };
    const reqs = sim.take(2000, Date.UTC(2026, 11, 5), [walker, edge]);
    const km = (r: { lat: number; lon: number }, p: { lat: number; lon: number }) => Math.hypot((r.lat - p.lat) * 111.32, (r.lon - p.lon) * 84.3);
    const beside = reqs.filter((r) => km(r, walker) < 1).length;
    // Everyday demand is most of it, from beside the walker inside the area; the one at the edge draws none.
    expect(beside).toBeGreaterThan(reqs.length / 3);
    expect(reqs.filter((r) => km(r, edge) < 1)).toEqual([]);
  });

  it('moves its hotspots and changes their strength over minutes', () => {
    const sim = new DemandSimulator(area, 2, 9);
    const t0 = Date.UTC(2026, 11, 5);
    sim.take(1, t0);
    const before = sim.spots;
    for (let s = 1; s <= 120; s++) sim.take(1, t0 + s * 1000);
    const after = sim.spots;
    expect(after[0]!.lat).not.toBe(before[0]!.lat);
    expect(after.map((h) => h.strength)).not.toEqual(before.map((h) => h.strength));
  });
});
