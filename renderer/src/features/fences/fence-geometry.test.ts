import { describe, expect, it } from 'vitest';
import { ringSelfIntersection } from '../../../../shared/ring-check';
import { circleRing } from '../../../../shared/fence-rings';
import { crossingEdges, drawnFeatureOf, fenceBounds, fenceGeometryOf, fencePolygons, formatDistance, simplifyRing } from './fence-geometry';

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

  it('draws a circle as the engine tests it, and goes back into the drawing as the mode that made it', () => {
    const [ring] = fencePolygons({ type: 'Circle', center: [0, 0], radius_m: 1000 })[0]!;
    const engine = circleRing([0, 0], 1000);
    // The engine's 64 points, rounded, each once, then closed.
    expect(ring).toHaveLength(65);
    expect(ring![0]).toEqual(ring![64]);
    expect(ring![16]).toEqual([Math.round(engine[16]![0] * 1e7) / 1e7, Math.round(engine[16]![1] * 1e7) / 1e7]);
    expect(drawnFeatureOf({ type: 'Circle', center: [0, 0], radius_m: 1000 })[0]!.properties).toEqual({ mode: 'circle', radiusKilometers: 1 });
    expect(drawnFeatureOf({ type: 'Rectangle', bbox: [0, 0, 1, 1] })[0]!.properties.mode).toBe('rectangle');
    // terra-draw takes no holes: only the outer ring goes in.
    const holed = { type: 'Polygon' as const, coordinates: [square, square.map(([x, y]) => [x + 0.01, y + 0.01] as [number, number])] };
    expect(drawnFeatureOf(holed)[0]!.geometry.coordinates).toEqual([square]);
    // A reprojected file's digits (40.820000000000014) are more than terra-draw takes: a centimetre's are kept.
    const noisy = { type: 'Polygon' as const, coordinates: [square.map(([x, y]) => [x + 1e-14, y - 1e-14] as [number, number])] };
    expect(drawnFeatureOf(noisy)[0]!.geometry.coordinates).toEqual([square]);
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

describe('freehand simplification and distances', () => {
  // Screen pixels = degrees × 1000 (a plain scale keeps the arithmetic checkable).
  const project = ([x, y]: [number, number]): [number, number] => [x * 1000, y * 1000];

  it('drops points on the line between their neighbours and keeps the corners', () => {
    // A square traced with many points along each side, each wobbling ±1 px.
    const traced: [number, number][] = [];
    const corners: [number, number][] = [
      [0, 0],
      [0.1, 0],
      [0.1, 0.1],
      [0, 0.1],
    ];
    corners.forEach((c, k) => {
      const n = corners[(k + 1) % 4]!;
      for (let i = 0; i < 20; i++) {
        const t = i / 20;
        const wobble = (i % 2 ? 1 : -1) * 0.001 * (i > 0 ? 1 : 0);
        traced.push([c[0] + (n[0] - c[0]) * t + (c[1] === n[1] ? 0 : wobble), c[1] + (n[1] - c[1]) * t + (c[1] === n[1] ? wobble : 0)]);
      }
    });
    traced.push(traced[0]!);
    const simple = simplifyRing(traced, project, 3);
    expect(simple).toEqual([...corners, corners[0]]);
    // A finer tolerance keeps the wobble.
    expect(simplifyRing(traced, project, 0.5).length).toBeGreaterThan(40);
  });

  it('never returns a ring that crosses itself', () => {
    // A thin U whose arms are closer together than the tolerance: simplifying at 30 px would cross them.
    const u: [number, number][] = [
      [0, 0],
      [0.1, 0],
      [0.1, 0.012],
      [0.02, 0.012],
      [0.02, 0.018],
      [0.1, 0.018],
      [0.1, 0.03],
      [0, 0.03],
      [0, 0],
    ];
    const simple = simplifyRing(u, project, 30);
    expect(ringSelfIntersection(simple)).toBeUndefined();
    expect(simple.length).toBeGreaterThanOrEqual(4);
  });

  it('reads distances in metres below a kilometre, then kilometres', () => {
    expect(formatDistance(849.6)).toBe('850 m');
    expect(formatDistance(1240)).toBe('1.24 km');
    expect(formatDistance(12_480)).toBe('12.5 km');
  });
});
