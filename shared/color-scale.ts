/** Colour scales for the heatmap: stops of [t, [r, g, b, a]] with t in 0..1, and a 256-entry lookup table. */

export type Rgba = readonly [number, number, number, number];
export type ColorStops = readonly (readonly [number, Rgba])[];

/** A rainbow, kept as a choice: its lightness rises and falls, so it is not ordered for every reader; low values are more transparent. */
export const THERMAL: ColorStops = [
  [0.0, [0, 0, 139, 50]],
  [0.2, [0, 0, 255, 100]],
  [0.4, [0, 255, 255, 150]],
  [0.6, [0, 255, 0, 200]],
  [0.8, [255, 255, 0, 220]],
  [1.0, [255, 0, 0, 255]],
];

/**
 * The default: viridis from its 40 % point up (teal, green, yellow), opaque. Its lightness only rises, so it
 * reads in order, in grey and with any colour vision; its darker first 40 % is left out because that purple
 * vanishes into the dark basemap, and the teal it starts at stands 3:1 off both themes' land and water
 * (renderer/src/map/basemap-colours.test.ts).
 */
export const VIRIDIS: ColorStops = [
  [0 / 6, [42, 120, 142, 255]],
  [1 / 6, [33, 145, 140, 255]],
  [2 / 6, [34, 168, 132, 255]],
  [3 / 6, [68, 191, 112, 255]],
  [4 / 6, [122, 209, 81, 255]],
  [5 / 6, [189, 223, 38, 255]],
  [6 / 6, [253, 231, 37, 255]],
];

export const COLOR_SCALES = { viridis: VIRIDIS, thermal: THERMAL } as const;

/**
 * Two scales with a fixed domain, on a log scale. Balance (supply per demand) diverges at 1.0, from 1/5 to
 * 5: red where demand outruns supply, clear at 1, blue where supply is idle. Surge is sequential, since a
 * surge multiplier is never below 1: clear at 1.0 (no surge) rising through amber to deep red at the 5.0
 * cap — the README says the same.
 */
export const BALANCE: ColorStops = [
  [0.0, [178, 24, 43, 230]],
  [0.25, [239, 138, 98, 190]],
  [0.5, [210, 210, 210, 70]],
  [0.75, [103, 169, 207, 190]],
  [1.0, [33, 102, 172, 230]],
];
export const SURGE: ColorStops = [
  [0.0, [210, 210, 210, 70]],
  [0.25, [253, 219, 119, 190]],
  [0.5, [244, 130, 54, 215]],
  [0.75, [215, 48, 39, 235]],
  [1.0, [122, 1, 77, 255]],
];
const LOG5 = Math.log(5);

/** A market metric's place along its fixed scale, 0–1: surge from 1 to 5, balance from 1/5 to 5 with 1 in the middle. */
export function fixedScaleT(metric: 'surge' | 'ratio', value: number): number {
  if (!(value > 0)) return 0;
  const t = metric === 'surge' ? Math.log(value) / LOG5 : 0.5 + Math.log(value) / (2 * LOG5);
  return Math.min(1, Math.max(0, t));
}

/** The legend's ticks of a fixed scale: [value, position 0–1 along the bar]. */
export function fixedScaleTicks(metric: 'surge' | 'ratio'): [number, number][] {
  const values = metric === 'surge' ? [1, 1.5, 2, 3, 5] : [0.2, 0.5, 1, 2, 5];
  return values.map((v) => [v, fixedScaleT(metric, v)]);
}
export type ColorScaleName = keyof typeof COLOR_SCALES;
/** What the heatmap is coloured with until the analyst chooses. */
export const DEFAULT_SCALE: ColorScaleName = 'viridis';

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
