import { cellToLatLng } from 'h3-js';
import { useRpc } from '../../engine';
import { boundsAround, nearestPlace } from './nearest-place';

const NOWHERE = { west: 0, south: 0, east: 0, north: 0 };

/** For each point, the name of the nearest populated place within 10 km (from the engine's gazetteer), or undefined. */
export function usePlaceNames(points: readonly { lon: number; lat: number }[]): (string | undefined)[] {
  const bounds = boundsAround(points);
  const { data: places } = useRpc('basemap.places', { bounds: bounds ?? NOWHERE, limit: 2000 }, { enabled: bounds !== undefined });
  return points.map((p) => (places ? nearestPlace(places, p.lon, p.lat)?.name : undefined));
}

/** The nearest populated place to an H3 cell's centre, for a cell's card. */
export function usePlaceName(hex: string): string | undefined {
  const [lat, lon] = cellToLatLng(hex);
  return usePlaceNames([{ lon, lat }])[0];
}
