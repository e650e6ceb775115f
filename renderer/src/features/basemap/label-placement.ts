import type { Place } from '../../../../shared/rpc';

export interface PlacedLabel {
  place: Place;
  /** Text size in px: larger places get larger names. */
  size: number;
}

/** Text size by population: capitals of millions stand out, towns stay quiet. */
export function labelSize(population: number): number {
  return population >= 1_000_000 ? 15 : population >= 100_000 ? 13 : 11;
}

/** A screen rectangle: left, top, right, bottom (px). */
export type Box = [number, number, number, number];

/**
 * The names that fit: places come largest first, and each is kept when its box (estimated from its
 * length and size, padded) lies on screen, clear of the panels floating over the map (`covered`), and
 * overlaps no box already kept. Greedy, like a map's label collision, so the largest places always win.
 */
export function placeLabels(
  places: readonly Place[],
  project: (lon: number, lat: number) => { x: number; y: number },
  screen: { width: number; height: number },
  covered: readonly Box[] = [],
  max = 120,
): PlacedLabel[] {
  const kept: PlacedLabel[] = [];
  const boxes: Box[] = [...covered];
  const pad = 6;
  for (const place of places) {
    if (kept.length >= max) break;
    const size = labelSize(place.population);
    const { x, y } = project(place.lon, place.lat);
    const half = (place.name.length * size * 0.56) / 2 + pad;
    const box: Box = [x - half, y - size / 2 - pad, x + half, y + size / 2 + pad];
    if (box[0] < 0 || box[1] < 0 || box[2] > screen.width || box[3] > screen.height) continue;
    if (boxes.some((b) => box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1])) continue;
    boxes.push(box);
    kept.push({ place, size });
  }
  return kept;
}
