import { latLngToCell } from 'h3-js';
import { expect, it } from 'vitest';
import { densityCells, densityResolution, domainOf } from './result-map';

it('takes the domain of the finite values', () => {
  expect(domainOf([3, NaN, -1, Infinity, 7])).toEqual([-1, 7]);
  expect(domainOf([])).toEqual([0, 1]);
});

it('bins points per cell, each point once, leaving out what is no place', () => {
  const lats = [52.52, 52.5201, 52.6, NaN, 95];
  const lons = [13.405, 13.4051, 13.3, 13.4, 13.4];
  const cells = densityCells(lats, lons, 8);
  expect(cells.reduce((n, c) => n + c.count, 0)).toBe(3);
  expect(cells.find((c) => c.hex === latLngToCell(52.52, 13.405, 8))?.count).toBe(2);
});

it('picks finer bins for a smaller area', () => {
  const city = densityResolution([13.2, 52.4, 13.6, 52.6]);
  const country = densityResolution([5.9, 47.3, 15.0, 55.0]);
  const street = densityResolution([13.4, 52.52, 13.405, 52.522]);
  expect(country).toBeLessThan(city);
  expect(city).toBeLessThan(street);
  expect(street).toBeLessThanOrEqual(15);
});
