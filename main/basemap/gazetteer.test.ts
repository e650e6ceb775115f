import { describe, expect, it } from 'vitest';
import { Gazetteer } from './gazetteer';

const city = (name: string, lon: number, lat: number, population: number) => ({ name, population, loc: { coordinates: [lon, lat] as [number, number] } });
const small = Gazetteer.fromCities([
  city('Hoboken', -74.03, 40.74, 60_000),
  city('New York City', -74.006, 40.713, 8_800_000),
  city('Newark', -74.17, 40.74, 300_000),
  city('Suva', 178.44, -18.14, 93_000),
  city('Apia', -171.76, -13.83, 37_000),
  city('London', -0.13, 51.51, 8_900_000),
]);

describe('Gazetteer', () => {
  it('gives the places inside a view, largest first, up to the limit', () => {
    const nyc = { west: -74.3, south: 40.5, east: -73.7, north: 41 };
    expect(small.within(nyc, 10).map((p) => p.name)).toEqual(['New York City', 'Newark', 'Hoboken']);
    expect(small.within(nyc, 2).map((p) => p.name)).toEqual(['New York City', 'Newark']);
    expect(small.within({ west: 10, south: 0, east: 20, north: 10 }, 10)).toEqual([]);
  });

  it('finds places across the antimeridian, however the view writes its longitudes', () => {
    const names = (b: { west: number; east: number }) => small.within({ ...b, south: -20, north: -10 }, 10).map((p) => p.name);
    expect(names({ west: 170, east: 190 })).toEqual(['Suva', 'Apia']);
    expect(names({ west: -190, east: -170 })).toEqual(['Suva', 'Apia']);
    expect(names({ west: -540, east: 540 })).toEqual(['Suva', 'Apia']);
  });

  it('reads the bundled gazetteer: the world’s largest places, with their names and positions', () => {
    const world = Gazetteer.bundled();
    expect(world.size).toBeGreaterThan(100_000);
    const nyc = world.within({ west: -74.3, south: 40.5, east: -73.7, north: 41 }, 5);
    expect(nyc[0]!.name).toBe('New York City');
    expect(nyc[0]!.lon).toBeCloseTo(-74.006, 1);
    expect(nyc[0]!.population).toBeGreaterThan(nyc[1]!.population);
  });
});
