import { describe, expect, it } from 'vitest';
import { defaultNameColumn, gisFences } from './gis-fences';
import type { GisPreview } from './rpc';

describe('defaultNameColumn', () => {
  it('offers name, then title, then a column whose name says name', () => {
    expect(defaultNameColumn(['fid', 'Title', 'NAME'])).toBe('NAME');
    expect(defaultNameColumn(['fid', 'title'])).toBe('title');
    expect(defaultNameColumn(['OGC_FID', 'zone_name', 'area'])).toBe('zone_name');
    expect(defaultNameColumn(['NAME_1', 'ISO'])).toBe('NAME_1');
    expect(defaultNameColumn(['fid', 'area', 'namespace'])).toBeNull();
  });
});

describe('gisFences', () => {
  const preview = (coordinates: unknown): GisPreview => ({
    file: 'zones.gpkg',
    layers: [{ name: 'zones', features: 1, crs: 'EPSG:2263' }],
    layer: 'zones',
    crs: 'EPSG:2263',
    columns: ['zone_name'],
    nameColumn: 'zone_name',
    features: [{ properties: { zone_name: 'Harlem' }, geometry: { type: 'Polygon', coordinates }, type: 'POLYGON', empty: false }],
    truncated: false,
  });

  it('keeps a centimetre of a reprojected vertex, not the digits no one drew', () => {
    const { fences } = gisFences(
      preview([
        [
          [-73.96, 40.8],
          [-73.935, 40.8],
          [-73.935, 40.820000000000014],
          [-73.96000000000001, 40.82],
          [-73.96, 40.8],
        ],
      ]),
      'zone_name',
    );
    expect(fences[0]!.fence.id).toBe('zones.harlem');
    expect(fences[0]!.fence.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [-73.96, 40.8],
          [-73.935, 40.8],
          [-73.935, 40.82],
          [-73.96, 40.82],
          [-73.96, 40.8],
        ],
      ],
    });
  });
});
