import { describe, expect, it } from 'vitest';
import { labelSize, placeLabels } from './label-placement';

const place = (name: string, x: number, y: number, population: number) => ({ name, lon: x, lat: y, population });
const project = (lon: number, lat: number) => ({ x: lon, y: lat });
const screen = { width: 800, height: 600 };

describe('placeLabels', () => {
  it('keeps the larger of two places whose names would overlap, and both when they are apart', () => {
    const big = place('Metropolis', 400, 300, 2_000_000);
    const near = place('Smallville', 420, 305, 20_000);
    const far = place('Gotham', 100, 100, 500_000);
    expect(placeLabels([big, near, far], project, screen).map((l) => l.place.name)).toEqual(['Metropolis', 'Gotham']);
  });

  it('leaves out names that would run off the screen, and stops at the most it may show', () => {
    expect(placeLabels([place('Edge City', 5, 300, 50_000)], project, screen)).toEqual([]);
    const grid = Array.from({ length: 40 }, (_, i) => place(`P${i}`, 60 + (i % 8) * 90, 60 + Math.floor(i / 8) * 100, 1000));
    expect(placeLabels(grid, project, screen)).toHaveLength(40);
    expect(placeLabels(grid, project, screen, [], 10)).toHaveLength(10);
  });

  it('keeps names out from under the panels over the map', () => {
    const legend: [number, number, number, number] = [0, 400, 300, 600];
    expect(placeLabels([place('Under', 150, 500, 9_000_000), place('Beside', 500, 500, 10)], project, screen, [legend]).map((l) => l.place.name)).toEqual([
      'Beside',
    ]);
  });

  it('sizes names by population', () => {
    expect([labelSize(5_000_000), labelSize(200_000), labelSize(2_000)]).toEqual([15, 13, 11]);
  });
});
