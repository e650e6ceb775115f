import { getHexagonEdgeLengthAvg, latLngToCell, UNITS } from 'h3-js';
export { h3Of, mapSpecOf, valueColumns, type MapSpec } from '../../../../shared/result-geometry';

/** Low and high of the finite values (equal when one value; [0, 1] when none). */
export function domainOf(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 1];
}

/** The finest H3 resolution at which the box spans at most about `across` cells (a density map's bins). */
export function densityResolution(box: [number, number, number, number], across = 60): number {
  const [west, south, east, north] = box;
  const midLat = ((south + north) / 2) * (Math.PI / 180);
  const spanKm = Math.max((east - west) * 111.32 * Math.cos(midLat), (north - south) * 110.57, 0.001);
  for (let res = 15; res > 0; res--) if (spanKm / (2 * getHexagonEdgeLengthAvg(res, UNITS.km)) <= across) return res;
  return 0;
}

/** Points counted per H3 cell at `resolution`: a density map that stays readable where points pile up. */
export function densityCells(lats: ArrayLike<number>, lons: ArrayLike<number>, resolution: number): { hex: string; count: number }[] {
  const counts = new Map<string, number>();
  for (let i = 0; i < lats.length; i++) {
    const [lat, lon] = [lats[i]!, lons[i]!];
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) continue;
    const hex = latLngToCell(lat, lon, resolution);
    counts.set(hex, (counts.get(hex) ?? 0) + 1);
  }
  return [...counts].map(([hex, count]) => ({ hex, count }));
}
