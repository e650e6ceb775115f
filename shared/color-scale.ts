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

/** How values map onto the colours: log suits heavy-tailed counts; linear reads differences; quantile spreads colours evenly over the cells. */
export type ScaleMode = 'log' | 'linear' | 'quantile';

/** A value → colour index (0–255) under a mode, given the values drawn (quantile ranks among them) and their largest. */
export function scaleMapper(mode: ScaleMode, values: ArrayLike<number>, max: number): (v: number) => number {
  if (mode === 'log') return (v) => scaleIndex(v, max);
  if (mode === 'linear') return (v) => (max <= 0 || v <= 0 ? 0 : Math.min(255, Math.round((v / max) * 255)));
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  return (v) => {
    if (n === 0 || v <= 0) return 0;
    // The share of cells at or below v: upper bound by binary search.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return Math.min(255, Math.round((lo / n) * 255));
  };
}

/** The legend's ticks under a mode: [value, position 0–1 along the bar]. */
export function legendStops(mode: ScaleMode, values: ArrayLike<number>, max: number): [number, number][] {
  if (max <= 0) return [[0, 0]];
  const at = [0, 0.25, 0.5, 0.75, 1];
  if (mode === 'log') return legendTicks(max).map((t) => [t, Math.log1p(t) / Math.log1p(max)]);
  if (mode === 'linear') return at.map((t) => [round2(t * max), t]);
  const sorted = Float64Array.from(values).sort();
  return at.map((t) => [round2(sorted[Math.min(sorted.length - 1, Math.floor(t * (sorted.length - 1)))] ?? 0), t]);
}

const round2 = (x: number) => (x >= 10 ? Math.round(x) : Math.round(x * 100) / 100);
