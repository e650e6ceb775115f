import type { StyleSpecification } from 'maplibre-gl';
import { offlineStyle } from './basemap';
import { pmtilesStyle } from './pmtiles-basemap';

/** The map under everything: the bundled offline map, a local PMTiles file (by name), or a style URL (opt-in network). */
export type Basemap = { kind: 'offline' } | { kind: 'pmtiles'; name: string } | { kind: 'style'; url: string };

/** MapLibre's style for a basemap choice (a style URL is handed over as it is: MapLibre fetches it). */
export async function styleFor(basemap: Basemap, theme: 'dark' | 'light'): Promise<StyleSpecification | string> {
  if (basemap.kind === 'pmtiles') return pmtilesStyle(basemap.name, theme);
  if (basemap.kind === 'style') return basemap.url;
  return offlineStyle(theme);
}
