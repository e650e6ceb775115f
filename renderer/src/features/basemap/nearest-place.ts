import type { Bounds, Place } from '../../../../shared/rpc';

const KM_PER_DEG = 111.32;

/** The nearest of `places` to a point within `maxKm` (equirectangular: exact enough at a city's scale), or undefined. */
export function nearestPlace(places: readonly Place[], lon: number, lat: number, maxKm = 10): Place | undefined {
  const k = Math.cos((lat * Math.PI) / 180);
  let best: Place | undefined;
  let bestKm = maxKm;
  for (const p of places) {
    const km = Math.hypot((p.lon - lon) * k, p.lat - lat) * KM_PER_DEG;
    if (km <= bestKm) [best, bestKm] = [p, km];
  }
  return best;
}

/** Bounds around the points, padded and snapped to half degrees so a list that moves a little asks for the same places again. */
export function boundsAround(points: readonly { lon: number; lat: number }[], padDeg = 0.15): Bounds | undefined {
  if (points.length === 0) return undefined;
  const snap = (v: number, f: (x: number) => number) => f(v * 2) / 2;
  return {
    west: snap(Math.min(...points.map((p) => p.lon)) - padDeg, Math.floor),
    south: snap(Math.min(...points.map((p) => p.lat)) - padDeg, Math.floor),
    east: snap(Math.max(...points.map((p) => p.lon)) + padDeg, Math.ceil),
    north: snap(Math.max(...points.map((p) => p.lat)) + padDeg, Math.ceil),
  };
}
