import type { StyleSpecification } from 'maplibre-gl';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-10m.json';
import { BASEMAP_COLOURS } from './basemap-colours';

/**
 * The offline basemap: Natural Earth's 1:10m land and borders (world-atlas, bundled), no tile server, no
 * glyphs, no sprites — nothing is fetched, so it works on a plane and passes a strict CSP. Place names
 * are drawn above it by the basemap feature (the engine's gazetteer, a bundled font).
 */

let shapes: { land: GeoJSON.FeatureCollection; borders: GeoJSON.Feature } | undefined;

// Converting the 10m topology takes a moment: once per page, whatever the theme.
function offlineShapes(): NonNullable<typeof shapes> {
  if (shapes) return shapes;
  const topo = countries as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
  return (shapes = {
    land: feature(topo, topo.objects.land) as GeoJSON.FeatureCollection,
    borders: { type: 'Feature', geometry: mesh(topo, topo.objects.countries, (a, b) => a !== b), properties: {} },
  });
}

export function offlineStyle(theme: 'dark' | 'light' = 'dark'): StyleSpecification {
  const c = BASEMAP_COLOURS[theme];
  const { land, borders } = offlineShapes();
  return {
    version: 8,
    sources: {
      land: { type: 'geojson', data: land, tolerance: 0.2 },
      borders: { type: 'geojson', data: borders, tolerance: 0.2 },
    },
    layers: [
      { id: 'ocean', type: 'background', paint: { 'background-color': c.ocean } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': c.land } },
      { id: 'coast', type: 'line', source: 'land', paint: { 'line-color': c.coast, 'line-width': 0.8 } },
      { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': c.borders, 'line-width': 0.8, 'line-dasharray': [2, 1] } },
    ],
  };
}
