import type { StyleSpecification } from 'maplibre-gl';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-50m.json';

/**
 * An offline basemap: Natural Earth land and borders (world-atlas, bundled), no tile server, no
 * glyphs, no sprites — nothing is fetched, so it works on a plane and passes a strict CSP.
 */
const COLOURS = {
  dark: { ocean: '#0b1322', land: '#1b2536', coast: '#2f3d55', borders: '#3d4c66' },
  light: { ocean: '#c9d8e6', land: '#f1efe9', coast: '#9fb2c4', borders: '#a8a39a' },
};

export function offlineStyle(theme: 'dark' | 'light' = 'dark'): StyleSpecification {
  const c = COLOURS[theme];
  const topo = countries as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
  const land = feature(topo, topo.objects.land);
  const borders = mesh(topo, topo.objects.countries, (a, b) => a !== b);
  return {
    version: 8,
    sources: {
      land: { type: 'geojson', data: land as GeoJSON.FeatureCollection },
      borders: { type: 'geojson', data: { type: 'Feature', geometry: borders, properties: {} } },
    },
    layers: [
      { id: 'ocean', type: 'background', paint: { 'background-color': c.ocean } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': c.land } },
      { id: 'coast', type: 'line', source: 'land', paint: { 'line-color': c.coast, 'line-width': 0.8 } },
      { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': c.borders, 'line-width': 0.7, 'line-dasharray': [2, 1] } },
    ],
  };
}
