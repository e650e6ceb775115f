import type { StyleSpecification } from 'maplibre-gl';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-50m.json';

/**
 * An offline basemap: Natural Earth land and borders (world-atlas, bundled), no tile server, no
 * glyphs, no sprites — nothing is fetched, so it works on a plane and passes a strict CSP.
 */
export function offlineStyle(): StyleSpecification {
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
      { id: 'ocean', type: 'background', paint: { 'background-color': '#0b1322' } },
      { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': '#1b2536' } },
      { id: 'coast', type: 'line', source: 'land', paint: { 'line-color': '#2f3d55', 'line-width': 0.8 } },
      { id: 'borders', type: 'line', source: 'borders', paint: { 'line-color': '#3d4c66', 'line-width': 0.7, 'line-dasharray': [2, 1] } },
    ],
  };
}
