import { describe, expect, it } from 'vitest';
import { vectorBasemapLayers } from './vector-basemap-style';

describe('vectorBasemapLayers', () => {
  it('styles a Protomaps archive: land under green under water under buildings, roads and borders; labels left out', () => {
    const ids = ['boundaries', 'buildings', 'earth', 'landcover', 'landuse', 'places', 'pois', 'roads', 'transit', 'water'];
    const layers = vectorBasemapLayers(ids, 'basemap', 'dark');
    expect(layers.map((l) => l.id)).toEqual([
      'earth-0',
      'landcover-0',
      'landuse-0',
      'water-0',
      'water-1',
      'buildings-0',
      'roads-0',
      'transit-0',
      'boundaries-0',
    ]);
    expect(layers.every((l) => 'source' in l && l.source === 'basemap')).toBe(true);
  });

  it('styles an OpenMapTiles archive by the same words', () => {
    const ids = ['water', 'waterway', 'landcover', 'landuse', 'park', 'boundary', 'transportation', 'building', 'place', 'water_name'];
    const kinds = Object.fromEntries(vectorBasemapLayers(ids, 'b', 'light').map((l) => [l.id, l.type]));
    expect(kinds).toMatchObject({
      'waterway-0': 'fill',
      'waterway-1': 'line',
      'transportation-0': 'line',
      'building-0': 'fill',
      'boundary-0': 'line',
      'park-0': 'fill',
    });
    expect(kinds['place-0']).toBeUndefined();
  });
});
