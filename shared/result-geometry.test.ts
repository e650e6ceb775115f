import { expect, it } from 'vitest';
import { h3Of, mapSpecOf, valueColumns } from './result-geometry';
import type { ResultColumn } from './rpc';

const col = (name: string, kind: ResultColumn['kind']): ResultColumn => ({ name, kind, type: kind });

it('finds what places a result on the map, and what can colour it', () => {
  const hexes = [col('cell', 'text'), col('n', 'int64'), col('label', 'text'), col('avg_speed', 'float')];
  expect(mapSpecOf(hexes)).toEqual({ kind: 'h3', cell: 0 });
  expect(valueColumns(hexes, { kind: 'h3', cell: 0 })).toEqual([1, 3]);
  const points = [col('device_id', 'text'), col('Latitude', 'float'), col('lng', 'float'), col('speed', 'float')];
  expect(mapSpecOf(points)).toEqual({ kind: 'points', lat: 1, lon: 2 });
  expect(valueColumns(points, { kind: 'points', lat: 1, lon: 2 })).toEqual([3]);
  expect(mapSpecOf([col('id', 'text'), col('geometry', 'text')])).toEqual({ kind: 'geojson', column: 1 });
  // A lat without a lon places nothing; an integer "lat" is no coordinate.
  expect(mapSpecOf([col('lat', 'float'), col('n', 'int64')])).toBeUndefined();
  expect(mapSpecOf([col('lat', 'int32'), col('lon', 'int32')])).toBeUndefined();
});

it('reads H3 cells from UBIGINT and from text, and refuses what is neither', () => {
  expect(h3Of(0x882a100d25fffffn)).toBe('882a100d25fffff');
  expect(h3Of('882A100D25FFFFF')).toBe('882a100d25fffff');
  expect(h3Of('not a cell')).toBeUndefined();
  expect(h3Of(42)).toBeUndefined();
});
