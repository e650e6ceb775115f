import { describe, expect, it } from 'vitest';
import { circleRing, crossingEdges, drawnFeatureOf, fenceBounds, fenceGeometryOf, fencePolygons } from './fence-geometry';

const square: [number, number][] = [
  [-74, 40.7],
  [-73.9, 40.7],
  [-73.9, 40.8],
  [-74, 40.8],
  [-74, 40.7],
];

describe('fence geometry from a drawing', () => {
  it('keeps a polygon (holes too), a rectangle as its box, a circle as centre and radius', () => {
    const hole: [number, number][] = [
      [-73.97, 40.73],
      [-73.93, 40.73],
      [-73.93, 40.77],
      [-73.97, 40.73],
    ];
    expect(fenceGeometryOf({ geometry: { type: 'Polygon', coordinates: [square, hole] }, properties: { mode: 'polygon' } })).toEqual({
      type: 'Polygon',
      coordinates: [square, hole],
    });
    expect(fenceGeometryOf({ geometry: { type: 'Polygon', coordinates: [square] }, properties: { mode: 'rectangle' } })).toEqual({
      type: 'Rectangle',
      bbox: [-74, 40.7, -73.9, 40.8],
    });
    const circle = fenceGeometryOf({
      geometry: { type: 'Polygon', coordinates: [circleRing([-73.98, 40.75], 500)] },
      properties: { mode: 'circle', radiusKilometers: 0.5 },
    });
    expect(circle).toMatchObject({ type: 'Circle', radius_m: 500 });
    const c = (circle as { center: [number, number] }).center;
    expect(c[0]).toBeCloseTo(-73.98, 4);
    expect(c[1]).toBeCloseTo(40.75, 4);
    expect(fenceGeometryOf({ geometry: { type: 'LineString', coordinates: [] }, properties: {} })).toBeUndefined();
  });

  it('draws a circle with points at its radius, and goes back into the drawing as the mode that made it', () => {
    const ring = circleRing([0, 0], 1000, 32);
    expect(ring).toHaveLength(33);
    expect(ring[0]).toEqual(ring[32]);
    // 1 km north of the equator is 0.008993° of latitude.
    expect(ring[0]![1]).toBeCloseTo(0.008993, 5);
    expect(drawnFeatureOf({ type: 'Circle', center: [0, 0], radius_m: 1000 })[0]!.properties).toEqual({ mode: 'circle', radiusKilometers: 1 });
    expect(drawnFeatureOf({ type: 'Rectangle', bbox: [0, 0, 1, 1] })[0]!.properties.mode).toBe('rectangle');
    // terra-draw takes no holes: only the outer ring goes in.
    const holed = { type: 'Polygon' as const, coordinates: [square, square.map(([x, y]) => [x + 0.01, y + 0.01] as [number, number])] };
    expect(drawnFeatureOf(holed)[0]!.geometry.coordinates).toEqual([square]);
    expect(fencePolygons({ type: 'Rectangle', bbox: [0, 0, 1, 1] })[0]![0]).toHaveLength(5);
    expect(fenceBounds({ type: 'Polygon', coordinates: [square] })).toEqual([-74, 40.7, -73.9, 40.8]);
  });

  it('finds the two edges of a bow tie, to highlight them', () => {
    const bowTie: [number, number][] = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    expect(crossingEdges({ type: 'Polygon', coordinates: [bowTie] })).toEqual([
      [
        [0, 0],
        [1, 1],
      ],
      [
        [1, 0],
        [0, 1],
      ],
    ]);
    expect(crossingEdges({ type: 'Polygon', coordinates: [square] })).toEqual([]);
  });
});
