import { cellToParent, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { MAX_FENCE_VERTICES, polygonOfCells, polygonOfGeoJson } from './fence-from-result';

const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
const square = (x: number, y: number, d: number) => [
  [x, y],
  [r7(x + d), y],
  [r7(x + d), r7(y + d)],
  [x, r7(y + d)],
  [x, y],
];

describe('a fence’s polygon from a row’s GeoJSON', () => {
  it('takes a Polygon as it is (text or object, in a Feature or not), holes kept', () => {
    const polygon = { type: 'Polygon', coordinates: [square(13.4, 52.5, 0.01), square(13.402, 52.502, 0.002).reverse()] };
    expect(polygonOfGeoJson(JSON.stringify(polygon))).toEqual({ geometry: polygon });
    expect(polygonOfGeoJson({ type: 'Feature', properties: {}, geometry: polygon })).toEqual({ geometry: polygon });
  });

  it('closes an open ring, drops repeated corners and heights, and rounds to 7 decimals as drawings are', () => {
    const open = [
      [13.4, 52.5, 30],
      [13.41, 52.5, 30],
      [13.41, 52.5, 31],
      [13.41, 52.51000000004],
      [13.4, 52.51],
    ];
    expect(polygonOfGeoJson(JSON.stringify({ type: 'Polygon', coordinates: [open] }))).toEqual({
      geometry: { type: 'Polygon', coordinates: [square(13.4, 52.5, 0.01).map(([x, y]) => [x, Math.round(y * 1e7) / 1e7])] },
    });
  });

  it('takes a MultiPolygon’s largest part and says so', () => {
    const small = [square(13.5, 52.5, 0.01)];
    const large = [square(13.4, 52.5, 0.05)];
    const shape = polygonOfGeoJson(JSON.stringify({ type: 'MultiPolygon', coordinates: [small, large, small] }));
    expect(shape).toEqual({ geometry: { type: 'Polygon', coordinates: large }, note: 'the largest of 3 separate parts' });
    expect(polygonOfGeoJson({ type: 'MultiPolygon', coordinates: [large] })).toEqual({ geometry: { type: 'Polygon', coordinates: large } });
  });

  it('refuses points, lines, collections, what is not GeoJSON and an empty row, saying why', () => {
    expect(polygonOfGeoJson('{"type":"Point","coordinates":[13.4,52.5]}')).toEqual({ reason: 'its geometry is a point: a fence needs an area (a polygon)' });
    expect(polygonOfGeoJson({ type: 'MultiPoint', coordinates: [[13.4, 52.5]] })).toMatchObject({ reason: expect.stringContaining('set of points') });
    expect(polygonOfGeoJson({ type: 'LineString', coordinates: square(1, 1, 1) })).toEqual({
      reason: 'its geometry is a line: a fence needs an area (a polygon)',
    });
    expect(polygonOfGeoJson({ type: 'GeometryCollection', geometries: [] })).toMatchObject({ reason: expect.stringContaining('collection') });
    expect(polygonOfGeoJson('POLYGON((0 0, 1 0, 1 1, 0 0))')).toEqual({ reason: 'its geometry is not GeoJSON' });
    expect(polygonOfGeoJson(null)).toEqual({ reason: 'this row has no geometry' });
    expect(polygonOfGeoJson({ type: 'Polygon', coordinates: [['a', 'b']] })).toMatchObject({ reason: expect.stringContaining('not rings') });
  });

  it('refuses what a fence may not be, in the fence contract’s words: a ring crossing itself, too few corners, out of range, too many corners', () => {
    const bowtie = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    expect(polygonOfGeoJson({ type: 'Polygon', coordinates: [bowtie] })).toMatchObject({
      reason: expect.stringMatching(/^not a valid fence: ring intersects itself/),
    });
    expect(polygonOfGeoJson({ type: 'Polygon', coordinates: [square(0, 0, 1).slice(0, 2)] })).toMatchObject({
      reason: expect.stringContaining('at least 4 positions'),
    });
    expect(polygonOfGeoJson({ type: 'Polygon', coordinates: [square(179.5, 0, 1)] })).toMatchObject({ reason: expect.stringContaining('longitude above 180') });
    const n = MAX_FENCE_VERTICES + 1;
    const circle = Array.from({ length: n }, (_, i) => [Math.cos((2 * Math.PI * i) / n), Math.sin((2 * Math.PI * i) / n)]);
    expect(polygonOfGeoJson({ type: 'Polygon', coordinates: [circle] })).toMatchObject({ reason: expect.stringContaining('10,001 corners') });
  });
});

describe('a fence’s polygon from H3 cells', () => {
  const centre = latLngToCell(52.52, 13.405, 9);

  it('unions the cells into one outline (a cell and its six neighbours: 18 corners)', () => {
    const shape = polygonOfCells(gridDisk(centre, 1));
    if (!('geometry' in shape)) throw new Error(shape.reason);
    expect(shape.geometry.coordinates).toHaveLength(1);
    expect(shape.geometry.coordinates[0]).toHaveLength(19);
    expect(shape.note).toBe('7 H3 cells');
  });

  it('keeps a hole where a cell is missing, and ignores repeated cells, nulls and what is not a cell', () => {
    const ring = gridDisk(centre, 2).filter((c) => c !== centre);
    const shape = polygonOfCells([...ring, ring[0], null, 'not a cell', 42]);
    if (!('geometry' in shape)) throw new Error(shape.reason);
    expect(shape.geometry.coordinates).toHaveLength(2);
    expect(shape.note).toBe('18 H3 cells');
  });

  it('takes the largest outline of disjoint groups, saying so', () => {
    const far = latLngToCell(52.6, 13.6, 9);
    const shape = polygonOfCells([...gridDisk(centre, 2), far]);
    if (!('geometry' in shape)) throw new Error(shape.reason);
    expect(shape.geometry.coordinates[0]).toHaveLength(31);
    expect(shape.note).toBe('20 H3 cells, the largest of 2 separate parts');
  });

  it('breaks coarser cells into the finest resolution’s before the union', () => {
    const parent = cellToParent(centre, 8);
    const shape = polygonOfCells([parent, ...gridDisk(centre, 3)]);
    expect('geometry' in shape).toBe(true);
  });

  it('refuses rows without cells', () => {
    expect(polygonOfCells([null, 'x'])).toEqual({ reason: 'no H3 cells in these rows' });
  });
});
