/**
 * The zoom table, a preset of the heatmap's cell size (the default sizes cells for the screen, below):
 * map zoom → H3 resolution, zoom 0–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4,
 * 9–10 → 5, 11–12 → 6, 13–14 → 7, and one resolution finer per two zoom levels after that, up to `maxRes`.
 */
export function resolutionForZoom(zoom: number, maxRes: number): number {
  const z = Math.max(0, Math.floor(zoom));
  const res = z < 3 ? 1 : Math.floor((z - 1) / 2) + 1;
  return Math.max(0, Math.min(res, maxRes));
}

/** The zoom levels that show `res` (for the legend): [first, last], last = Infinity for the finest. */
export function zoomRangeForResolution(res: number, maxRes: number): [number, number] {
  const first = res <= 1 ? 0 : 2 * res - 1;
  const last = res >= maxRes ? Infinity : res === 1 ? 2 : 2 * res;
  return [first, last];
}

/** H3's mean hexagon edge length per resolution, in metres (h3geo.org's table). */
const EDGE_M = [1107712.59, 418676.01, 158244.66, 59810.86, 22606.38, 8544.41, 3229.48, 1220.63, 461.35, 174.38, 65.91, 24.91, 9.42, 3.56, 1.35, 0.51];

/** Metres per screen pixel at a zoom and latitude (512-pixel tiles, as MapLibre draws them). */
export function metresPerPixel(zoom: number, latitude: number): number {
  return (40_075_016.686 * Math.cos((Math.max(-85, Math.min(85, latitude)) * Math.PI) / 180)) / (512 * 2 ** zoom);
}

/** How wide a cell of `res` looks on screen, in pixels: the mean of its width across flats (√3 edges) and across corners (2 edges). */
export function hexWidthPx(res: number, zoom: number, latitude: number): number {
  return (EDGE_M[res] * (Math.sqrt(3) + 2)) / 2 / metresPerPixel(zoom, latitude);
}

/**
 * The resolution whose cells look about `targetPx` wide (20–40 px corner to corner on screen) at this zoom and latitude (nearest on a log
 * scale), moved `detail` steps finer (positive) or coarser, within 0…`maxRes`.
 */
export function resolutionForScreen(zoom: number, latitude: number, maxRes: number, detail = 0, targetPx = 24): number {
  let best = 0;
  let bestGap = Infinity;
  for (let r = 0; r <= 15; r++) {
    const gap = Math.abs(Math.log(hexWidthPx(r, zoom, latitude) / targetPx));
    if (gap < bestGap) {
      bestGap = gap;
      best = r;
    }
  }
  return Math.max(0, Math.min(maxRes, best + detail));
}
