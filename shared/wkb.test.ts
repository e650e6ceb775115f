import { expect, it } from 'vitest';
import { wkbToGeoJson } from './wkb';
import { shortWkt, wktOf, wktOfText } from './wkt';

/** WKB written by hand: a byte order, a type code, then uint32 counts and float64 coordinates. */
function wkb(little: boolean, parts: ({ u: number } | { d: number } | { b: number })[]): Uint8Array {
  const size = parts.reduce((n, p) => n + ('u' in p ? 4 : 'd' in p ? 8 : 1), 0);
  const view = new DataView(new ArrayBuffer(size));
  let at = 0;
  for (const p of parts) {
    if ('b' in p) view.setUint8(at++, p.b);
    else if ('u' in p) {
      view.setUint32(at, p.u, little);
      at += 4;
    } else {
      view.setFloat64(at, p.d, little);
      at += 8;
    }
  }
  return new Uint8Array(view.buffer);
}
const head = (little: boolean, type: number) => [{ b: little ? 1 : 0 }, { u: type }];
const xy = (...ns: number[]) => ns.map((d) => ({ d }));

it('reads points in both byte orders, and drops Z and M of ISO and EWKB codes', () => {
  expect(wkbToGeoJson(wkb(true, [...head(true, 1), ...xy(-0.13, 51.5)]))).toEqual({ type: 'Point', coordinates: [-0.13, 51.5] });
  expect(wkbToGeoJson(wkb(false, [...head(false, 1), ...xy(-0.13, 51.5)]))).toEqual({ type: 'Point', coordinates: [-0.13, 51.5] });
  // ISO Z (1001), M (2001), ZM (3001)
  expect(wkbToGeoJson(wkb(true, [...head(true, 1001), ...xy(1, 2, 3)]))).toEqual({ type: 'Point', coordinates: [1, 2] });
  expect(wkbToGeoJson(wkb(true, [...head(true, 2001), ...xy(1, 2, 9)]))).toEqual({ type: 'Point', coordinates: [1, 2] });
  expect(wkbToGeoJson(wkb(true, [...head(true, 3001), ...xy(1, 2, 3, 9)]))).toEqual({ type: 'Point', coordinates: [1, 2] });
  // EWKB: Z flag and an SRID (4326) after the type.
  expect(wkbToGeoJson(wkb(false, [...head(false, 0xa0000001), { u: 4326 }, ...xy(1, 2, 3)]))).toEqual({ type: 'Point', coordinates: [1, 2] });
  expect(wkbToGeoJson(wkb(true, [...head(true, 1), ...xy(NaN, NaN)]))).toEqual({ type: 'Point', coordinates: [] });
});

it('reads lines, polygons, multi-geometries and collections', () => {
  const ring = [{ u: 4 }, ...xy(0, 0, 1, 0, 1, 1, 0, 0)];
  const polygon = [...head(true, 3), { u: 1 }, ...ring];
  expect(wkbToGeoJson(wkb(true, polygon))).toEqual({
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
    ],
  });
  expect(wkbToGeoJson(wkb(true, [...head(true, 2), { u: 2 }, ...xy(0, 0, 2, 2)]))).toEqual({
    type: 'LineString',
    coordinates: [
      [0, 0],
      [2, 2],
    ],
  });
  expect(wkbToGeoJson(wkb(true, [...head(true, 6), { u: 2 }, ...polygon, ...polygon]))).toEqual({
    type: 'MultiPolygon',
    coordinates: [
      [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
      [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    ],
  });
  expect(wkbToGeoJson(wkb(true, [...head(true, 4), { u: 2 }, ...head(true, 1), ...xy(1, 2), ...head(true, 1), ...xy(3, 4)]))).toEqual({
    type: 'MultiPoint',
    coordinates: [
      [1, 2],
      [3, 4],
    ],
  });
  expect(wkbToGeoJson(wkb(true, [...head(true, 5), { u: 1 }, ...head(true, 2), { u: 2 }, ...xy(0, 0, 1, 1)]))).toEqual({
    type: 'MultiLineString',
    coordinates: [
      [
        [0, 0],
        [1, 1],
      ],
    ],
  });
  expect(wkbToGeoJson(wkb(true, [...head(true, 7), { u: 2 }, ...head(true, 1), ...xy(1, 2), ...polygon]))).toEqual({
    type: 'GeometryCollection',
    geometries: [
      { type: 'Point', coordinates: [1, 2] },
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
    ],
  });
});

it('gives null for bytes that are no whole geometry, however they lie', () => {
  expect(wkbToGeoJson(new Uint8Array())).toBeNull();
  expect(wkbToGeoJson(wkb(true, [...head(true, 1), ...xy(1)]))).toBeNull(); // truncated
  expect(wkbToGeoJson(wkb(true, [...head(true, 1), ...xy(1, 2), { b: 0 }]))).toBeNull(); // bytes left over
  expect(wkbToGeoJson(wkb(true, [{ b: 7 }, { u: 1 }, ...xy(1, 2)]))).toBeNull(); // byte order
  expect(wkbToGeoJson(wkb(true, [...head(true, 99), ...xy(1, 2)]))).toBeNull(); // type
  expect(wkbToGeoJson(wkb(true, [...head(true, 2), { u: 0xffffffff }]))).toBeNull(); // a count past the end
  expect(wkbToGeoJson(wkb(true, [...head(true, 6), { u: 1 }, ...head(true, 1), ...xy(1, 2)]))).toBeNull(); // a point inside a MultiPolygon
  // Collections nested past any real geometry.
  const deep = Array.from({ length: 40 }, () => [...head(true, 7), { u: 1 }]).flat();
  expect(wkbToGeoJson(wkb(true, [...deep, ...head(true, 1), ...xy(1, 2)]))).toBeNull();
});

it('writes WKT, and shortens it for a grid cell', () => {
  const square = {
    type: 'Polygon' as const,
    coordinates: [
      [
        [-0.13, 51.5],
        [-0.12, 51.5],
        [-0.12, 51.51],
        [-0.13, 51.51],
        [-0.13, 51.5],
      ] as [number, number][],
    ],
  };
  const wkt = wktOf(square);
  expect(wkt).toBe('POLYGON ((-0.13 51.5, -0.12 51.5, -0.12 51.51, -0.13 51.51, -0.13 51.5))');
  const short = shortWkt(wkt, 40);
  expect(short).toBe('POLYGON ((-0.13 51.5, -0.12 51.5, …))');
  expect(shortWkt('POINT (1 2)')).toBe('POINT (1 2)');
  expect(wktOfText('{"type":"MultiPoint","coordinates":[[1,2]]}')).toBe('MULTIPOINT ((1 2))');
  expect(wktOfText('{"type":"GeometryCollection","geometries":[]}')).toBe('GEOMETRYCOLLECTION EMPTY');
  expect(wktOfText('not json')).toBeUndefined();
  expect(wktOfText('{"type":"Polygon","coordinates":5}')).toBeUndefined();
});
