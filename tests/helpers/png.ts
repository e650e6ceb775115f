/**
 * A small PNG decoder for screenshots (8-bit RGB or RGBA, non-interlaced, as Chromium writes them),
 * and pixel statistics to tell a drawn map from a blank one.
 */
import { inflateSync } from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row-major. */
  data: Uint8Array;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export function decodePng(png: Uint8Array): Image {
  if (!SIGNATURE.every((b, i) => png[i] === b)) throw new Error('not a PNG');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  for (let at = 8; at + 8 <= png.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const body = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      const [bitDepth, colorType, , , interlace] = body.subarray(8, 13);
      if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) {
        throw new Error(`unsupported PNG: bit depth ${bitDepth}, colour type ${colorType}, interlace ${interlace}`);
      }
      channels = colorType === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!channels) throw new Error('PNG without IHDR');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new Error('truncated PNG data');
  const rows = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = rows.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? rows.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[x - channels] : 0;
      const b = prev[x];
      const c = x >= channels ? prev[x - channels] : 0;
      let predictor: number;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) >> 1;
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          throw new Error(`bad PNG filter ${filter} on row ${y}`);
      }
      out[x] = (src[x] + predictor) & 0xff;
    }
  }
  if (channels === 4) return { width, height, data: rows };
  const data = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < rows.length; i += 3, j += 4) {
    data[j] = rows[i];
    data[j + 1] = rows[i + 1];
    data[j + 2] = rows[i + 2];
    data[j + 3] = 255;
  }
  return { width, height, data };
}

export interface PixelStats {
  pixels: number;
  /** The most common colour, taken as the background. */
  background: [number, number, number];
  /** Pixels whose colour differs from the background by more than `tolerance` in some channel. */
  nonBackground: number;
  /** Distinct colours (4 bits per channel) among the non-background pixels. */
  distinctColours: number;
  /** Non-background pixels of strong colour (max − min channel > 96): heat, not grey land or water. */
  saturated: number;
}

export function pixelStats(image: Image, tolerance = 16): PixelStats {
  const counts = new Map<number, number>();
  const { data } = image;
  for (let i = 0; i < data.length; i += 4) {
    const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let bg = 0;
  let best = -1;
  for (const [key, n] of counts) if (n > best) [bg, best] = [key, n];
  const background: [number, number, number] = [(bg >> 16) & 255, (bg >> 8) & 255, bg & 255];
  let nonBackground = 0;
  let saturated = 0;
  const distinct = new Set<number>();
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i];
    const g = data[i + 1];
    const b = data[i + 2];
    if (Math.max(Math.abs(r - background[0]), Math.abs(g - background[1]), Math.abs(b - background[2])) <= tolerance) continue;
    nonBackground++;
    distinct.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
    if (Math.max(r, g, b) - Math.min(r, g, b) > 96) saturated++;
  }
  return { pixels: data.length / 4, background, nonBackground, distinctColours: distinct.size, saturated };
}

/** Pixels that differ (any channel by more than `tolerance`) between two images of one size. */
export function changedPixels(a: Image, b: Image, tolerance = 16): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('images differ in size');
  let n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (
      Math.abs(a.data[i] - b.data[i]) > tolerance ||
      Math.abs(a.data[i + 1] - b.data[i + 1]) > tolerance ||
      Math.abs(a.data[i + 2] - b.data[i + 2]) > tolerance
    ) {
      n++;
    }
  }
  return n;
}

/** The colour at (x, y), each channel the median of the 3×3 pixels around it (an edge or an anti-aliased glyph does not decide it). */
export function pixelAt(image: Image, x: number, y: number): [number, number, number] {
  const around: number[][] = [[], [], []];
  for (let dy = -1; dy <= 1; dy++)
    for (let dx = -1; dx <= 1; dx++) {
      const px = Math.min(image.width - 1, Math.max(0, Math.round(x) + dx));
      const py = Math.min(image.height - 1, Math.max(0, Math.round(y) + dy));
      for (let c = 0; c < 3; c++) around[c]!.push(image.data[(py * image.width + px) * 4 + c]!);
    }
  return around.map((v) => v.sort((a, b) => a - b)[4]!) as [number, number, number];
}

/** How far apart two colours look: CIE76 ΔE in CIELAB (about 2 is just noticeable; 25 and more, plainly different colours). */
export function colourDifference(a: readonly number[], b: readonly number[]): number {
  const lab = (rgb: readonly number[]) => {
    const [r, g, bl] = rgb.map((c) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
    const [fx, fy, fz] = [
      f((0.4124 * r! + 0.3576 * g! + 0.1805 * bl!) / 0.95047),
      f(0.2126 * r! + 0.7152 * g! + 0.0722 * bl!),
      f((0.0193 * r! + 0.1192 * g! + 0.9505 * bl!) / 1.08883),
    ];
    return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!, p[2]! - q[2]!);
}

/** #rrggbb as [r, g, b]. */
export const rgbOfHex = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
