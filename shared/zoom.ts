/**
 * Map zoom → H3 resolution, as the heatmap ADR tabulates it: zoom 0–2 → 1, 3–4 → 2, 5–6 → 3, 7–8 → 4,
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
