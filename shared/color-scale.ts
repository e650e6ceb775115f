/** Colour scales for the heatmap: stops of [t, [r, g, b, a]] with t in 0..1, and a 256-entry lookup table. */

export type Rgba = readonly [number, number, number, number];
export type ColorStops = readonly (readonly [number, Rgba])[];

/** The heatmap ADR's thermal scale; low values are more transparent, so quiet cells fade into the map. */
export const THERMAL: ColorStops = [
  [0.0, [0, 0, 139, 50]],
  [0.2, [0, 0, 255, 100]],
  [0.4, [0, 255, 255, 150]],
  [0.6, [0, 255, 0, 200]],
  [0.8, [255, 255, 0, 220]],
  [1.0, [255, 0, 0, 255]],
];

/** Viridis, for readers who cannot tell red from green. */
export const VIRIDIS: ColorStops = [
  [0.0, [68, 1, 84, 90]],
  [0.25, [59, 82, 139, 140]],
  [0.5, [33, 145, 140, 190]],
  [0.75, [94, 201, 98, 225]],
  [1.0, [253, 231, 37, 255]],
];

export const COLOR_SCALES = { thermal: THERMAL, viridis: VIRIDIS } as const;
export type ColorScaleName = keyof typeof COLOR_SCALES;

export function colorAt(stops: ColorStops, t: number): [number, number, number, number] {
  const x = Number.isFinite(t) ? Math.min(1, Math.max(0, t)) : 0;
  for (let i = 1; i < stops.length; i++) {
    const [t1, c1] = stops[i];
    if (x <= t1) {
      const [t0, c0] = stops[i - 1];
      const f = t1 === t0 ? 1 : (x - t0) / (t1 - t0);
      return [0, 1, 2, 3].map((k) => Math.round(c0[k] + (c1[k] - c0[k]) * f)) as [number, number, number, number];
    }
  }
  return [...stops[stops.length - 1][1]] as [number, number, number, number];
}

/** 256 RGBA entries; colour of value v under max m is lut[index(v, m)]. */
export function colorLut(stops: ColorStops): Uint8Array {
  const lut = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) lut.set(colorAt(stops, i / 255), i * 4);
  return lut;
}

/**
 * Counts are heavy-tailed (a depot holds hundreds of devices, a street a few), so the scale is
 * logarithmic: t = log(1 + v) / log(1 + max).
 */
export function scaleIndex(value: number, max: number): number {
  if (max <= 0 || value <= 0) return 0;
  return Math.min(255, Math.round((Math.log1p(value) / Math.log1p(max)) * 255));
}

/** Legend ticks: values at t = 0, ¼, ½, ¾, 1 under the log scale, rounded to whole counts. */
export function legendTicks(max: number): number[] {
  if (max <= 0) return [0];
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => Math.round(Math.expm1(t * Math.log1p(max))));
  return [...new Set(ticks)];
}
