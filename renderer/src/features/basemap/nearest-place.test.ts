import { describe, expect, it } from 'vitest';
import { boundsAround, nearestPlace } from './nearest-place';

const places = [
  { name: 'Hamburg', lon: 9.99, lat: 53.55, population: 1_800_000 },
  { name: 'Altona', lon: 9.93, lat: 53.55, population: 250_000 },
  { name: 'Lübeck', lon: 10.69, lat: 53.87, population: 210_000 },
];

describe('nearestPlace', () => {
  it('names the nearest place, not the largest', () => {
    expect(nearestPlace(places, 9.935, 53.551)?.name).toBe('Altona');
    expect(nearestPlace(places, 10.0, 53.56)?.name).toBe('Hamburg');
  });
  it('names nothing farther than the limit', () => {
    expect(nearestPlace(places, 11.5, 54.5)).toBeUndefined();
    expect(nearestPlace(places, 10.3, 53.7, 10)).toBeUndefined();
    expect(nearestPlace(places, 10.3, 53.7, 40)?.name).toBe('Hamburg');
  });
});

describe('boundsAround', () => {
  it('snaps padded bounds to half degrees, so small moves ask for the same places', () => {
    const a = boundsAround([{ lon: 9.93, lat: 53.55 }]);
    const b = boundsAround([{ lon: 9.95, lat: 53.56 }]);
    expect(a).toEqual(b);
    expect(a).toEqual({ west: 9.5, south: 53, east: 10.5, north: 54 });
    expect(boundsAround([])).toBeUndefined();
  });
});
