import { cellToLatLng, getPentagons, getRes0Cells, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { cellToHex } from '../../shared/h3-cell';
import { seededRandom } from '../simulator';
import { counters, indexPosition } from './h3-index';

/** Positions where indexPosition and h3-js disagree, as "lat,lon: ours ≠ theirs". */
function disagreements(points: Iterable<[number, number]>): string[] {
  const cell = [0, 0];
  const out: string[] = [];
  for (const [lat, lon] of points) {
    indexPosition(lat, lon, cell);
    const ours = cellToHex(cell[0], cell[1]);
    const theirs = latLngToCell(lat, lon, 15);
    if (ours !== theirs) out.push(`${lat},${lon}: ${ours} ≠ ${theirs}`);
  }
  return out;
}

function* uniformOnSphere(n: number, seed: number): Generator<[number, number]> {
  const random = seededRandom(seed);
  for (let i = 0; i < n; i++) yield [(Math.asin(2 * random() - 1) * 180) / Math.PI, random() * 360 - 180];
}

describe('indexPosition (resolution-15 H3 cell without h3-js on the hot path)', () => {
  it('gives h3-js’s cell, bit for bit, at 300k points spread over the whole sphere', () => {
    expect(disagreements(uniformOnSphere(300_000, 11))).toEqual([]);
  });

  it('gives h3-js’s cell in a dense city fleet, and computes nearly all of them itself', () => {
    const random = seededRandom(7);
    const before = { ...counters };
    const city = function* (): Generator<[number, number]> {
      for (let i = 0; i < 200_000; i++) yield [40.55 + random() * 0.4, -74.2 + random() * 0.5];
    };
    expect(disagreements(city())).toEqual([]);
    const fast = counters.fast - before.fast;
    const viaH3js = counters.h3js - before.h3js;
    // h3-js only for the first position at each base-cell position of a face (a handful here).
    expect(fast).toBeGreaterThan(199_000);
    expect(viaH3js).toBeLessThan(1000);
  });

  it('agrees at the awkward places: poles, the antimeridian, base-cell centres, pentagons and their surroundings', () => {
    const random = seededRandom(3);
    const points: [number, number][] = [
      [90, 0],
      [-90, 0],
      [89.9999999, 45],
      [0, 180],
      [0, -180],
      [12.5, 179.9999999999],
      [-12.5, -179.9999999999],
      [0, 0],
    ];
    const centres = [...getRes0Cells(), ...getPentagons(0), ...getPentagons(5)].map((c) => cellToLatLng(c));
    for (const [lat, lon] of centres) {
      points.push([lat, lon]);
      for (let k = 0; k < 200; k++) points.push([Math.max(-90, Math.min(90, lat + (random() - 0.5) * 2)), ((lon + (random() - 0.5) * 2 + 540) % 360) - 180]);
    }
    expect(disagreements(points)).toEqual([]);
  });
});
