// The heatmap's default palette against the basemaps it is drawn on: its lowest colour must stand off both
// themes' land and water (WCAG's 3:1 for graphics), and its lightness must rise with the value for every
// reader — with typical colour vision and as protanopes, deuteranopes and tritanopes see it.
import { describe, expect, it } from 'vitest';
import { COLOR_SCALES, DEFAULT_SCALE, THERMAL, colorAt, type ColorStops } from '../../../shared/color-scale';
import { BASEMAP_COLOURS } from './basemap-colours';

type Rgb = [number, number, number];
const rgbOf = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
const linear = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const luminance = (rgb: Rgb) => 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]);
/** WCAG's contrast ratio, 1–21. */
const contrast = (a: Rgb, b: Rgb) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};
/** A colour of the scale as the map shows it: laid over the background at its alpha. */
const over = ([r, g, b, a]: number[], bg: Rgb): Rgb => [r!, g!, b!].map((c, i) => c * (a! / 255) + bg[i]! * (1 - a! / 255)) as Rgb;
/** CIELAB lightness L* (0–100) of linear-light luminance. */
const lightness = (y: number) => 116 * (y > 216 / 24389 ? Math.cbrt(y) : ((24389 / 27) * y) / 116 + 16 / 116) - 16;

/** CIELAB (D65) of an sRGB colour, and the distance between two: ΔE 1976. */
const lab = (rgb: Rgb) => {
  const [r, g, b] = rgb.map(linear) as Rgb;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const [x, y, z] = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883];
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
};
const deltaE = (a: Rgb, b: Rgb) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]!));

/** Machado, Oliveira and Fernandes (2009), full severity, on linear RGB. */
const VISION: Record<string, number[][]> = {
  typical: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};
/** L* of a colour as a reader with this vision sees it. */
function seenLightness(rgb: Rgb, m: number[][]): number {
  const lin = rgb.map(linear);
  const [r, g, b] = m.map((row) => Math.min(1, Math.max(0, row[0]! * lin[0]! + row[1]! * lin[1]! + row[2]! * lin[2]!)));
  return lightness(0.2126 * r! + 0.7152 * g! + 0.0722 * b!);
}
/** Whether the scale's lightness rises at every step of 64, as this reader sees it. */
const ordered = (stops: ColorStops, m: number[][]) => {
  const ls = Array.from({ length: 64 }, (_, i) => seenLightness(colorAt(stops, i / 63).slice(0, 3) as Rgb, m));
  return ls.every((l, i) => i === 0 || l > ls[i - 1]!);
};

const palette = COLOR_SCALES[DEFAULT_SCALE];

describe('the default palette on the basemaps', () => {
  for (const theme of ['dark', 'light'] as const)
    for (const surface of ['land', 'ocean', 'water'] as const)
      it(`shows its lowest colour 3:1 off the ${theme} theme's ${surface}`, () => {
        const bg = rgbOf(BASEMAP_COLOURS[theme][surface]);
        expect(contrast(over(colorAt(palette, 0), bg), bg)).toBeGreaterThanOrEqual(3);
      });

  it.each(Object.keys(VISION))('grows lighter with the value as a reader with %s vision sees it', (vision) => {
    expect(ordered(palette, VISION[vision]!)).toBe(true);
  });

  it.each(['dark', 'light'] as const)('tells land from water on the %s theme (CIELAB ΔE ≥ 14, as the light one always did)', (theme) => {
    const c = BASEMAP_COLOURS[theme];
    expect(deltaE(rgbOf(c.land), rgbOf(c.ocean))).toBeGreaterThanOrEqual(14);
    expect(deltaE(rgbOf(c.land), rgbOf(c.water))).toBeGreaterThanOrEqual(14);
  });

  it('tells the rainbow apart: thermal is not ordered, and its lowest colour vanishes on the dark map', () => {
    expect(ordered(THERMAL, VISION.typical!)).toBe(false);
    const land = rgbOf(BASEMAP_COLOURS.dark.land);
    expect(contrast(over(colorAt(THERMAL, 0), land), land)).toBeLessThan(1.5);
  });
});
