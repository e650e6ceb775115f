/**
 * A rectangle's and a circle's outline as polygon rings, for Tile38 (which is given rings), the engine's
 * crossing test and the map: one construction, one Earth radius.
 */

/** The Earth's radius in metres as Tile38 measures with it (geojson's geo package). */
export const EARTH_RADIUS_M = 6371e3;

/** A coordinate to 7 decimals (about a centimetre): what a fence keeps, and no more than terra-draw's editor takes. */
export const round7 = (x: number): number => Math.round(x * 1e7) / 1e7;

/** The trigonometry a ring is built with: the engine passes Go's (bit for bit what Tile38 computes), the map JavaScript's. */
export interface Trig {
  sin(x: number): number;
  cos(x: number): number;
  asin(x: number): number;
  atan2(y: number, x: number): number;
}

const RADIANS = Math.PI / 180;
const DEGREES = 180 / Math.PI;

/** A box [west, south, east, north] as the closed ring Tile38 is given. */
export function rectangleRing([w, s, e, n]: readonly [number, number, number, number]): [number, number][] {
  return [
    [w, s],
    [e, s],
    [e, n],
    [w, n],
    [w, s],
  ];
}

/** The point `meters` from [lat, lon] on `bearing` (degrees), as geojson's geo package computes it. */
function destination(trig: Trig, lat: number, lon: number, meters: number, bearing: number): [number, number] {
  const δ = meters / EARTH_RADIUS_M;
  const θ = bearing * RADIANS;
  const φ1 = lat * RADIANS;
  const λ1 = lon * RADIANS;
  const φ2 = trig.asin(trig.sin(φ1) * trig.cos(δ) + trig.cos(φ1) * trig.sin(δ) * trig.cos(θ));
  let λ2 = λ1 + trig.atan2(trig.sin(θ) * trig.sin(δ) * trig.cos(φ1), trig.cos(δ) - trig.sin(φ1) * trig.sin(φ2));
  λ2 = ((λ2 + 3 * Math.PI) % (2 * Math.PI)) - Math.PI;
  return [φ2 * DEGREES, λ2 * DEGREES];
}

/**
 * A circle as the ring Tile38 makes of it wherever it needs a polygon: the ellipse through the points
 * `radiusM` north, east, south and west of the centre, from 0° to 360° in `steps` (so the first point
 * comes again at 360° and once more to close it).
 */
export function circleRing([cx, cy]: readonly [number, number], radiusM: number, steps = 64, trig: Trig = Math): [number, number][] {
  const meters = radiusM % (2 * Math.PI * EARTH_RADIUS_M);
  const [maxY] = destination(trig, cy, cx, meters, 0);
  const [, maxX] = destination(trig, cy, cx, meters, 90);
  const [minY] = destination(trig, cy, cx, meters, 180);
  const [, minX] = destination(trig, cy, cx, meters, 270);
  const lons = (maxX - minX) / 2;
  const lats = (maxY - minY) / 2;
  const points: [number, number][] = [];
  for (let th = 0; th <= 360; th += 360 / steps) {
    const r = th * RADIANS;
    points.push([cx + lons * trig.cos(r), cy + lats * trig.sin(r)]);
  }
  points.push(points[0]!);
  return points;
}
