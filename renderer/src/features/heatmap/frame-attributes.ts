import { cellToLatLng } from 'h3-js';
import { fixedScaleT, scaleMapper, type ScaleMode } from '../../../../shared/color-scale';
import { cellKey } from '../../../../shared/h3-cell';
import type { HeatmapFrame } from '../../../../shared/heatmap-frame';
import type { HeatmapMetric } from '../../../../shared/rpc';
import { supplyDemandRatio, surgeMultiplier } from '../../../../shared/surge';

/**
 * Cell centres, computed once per cell: consecutive frames share most of their cells, and h3-js is the
 * cost that dominates applying a frame. One map per resolution (a key is exact within one).
 */
export class CenterCache {
  private readonly maps = new Map<number, Map<number, number>>();
  private lonLat = new Float64Array(2 * 65_536);
  private size = 0;
  misses = 0;

  /** Writes the centre [lon, lat] of cell (hi, lo) into out at `at`. */
  center(hi: number, lo: number, resolution: number, out: Float64Array, at: number): void {
    let map = this.maps.get(resolution);
    if (!map) this.maps.set(resolution, (map = new Map()));
    const key = cellKey(hi, lo);
    let slot = map.get(key);
    if (slot === undefined) {
      if (this.size >= 2_000_000) this.clear(); // a bounded cache: start over rather than grow without end
      const [lat, lon] = cellToLatLng([lo, hi]);
      slot = this.size++;
      if (2 * this.size > this.lonLat.length) {
        const grown = new Float64Array(this.lonLat.length * 2);
        grown.set(this.lonLat);
        this.lonLat = grown;
      }
      this.lonLat[2 * slot] = lon;
      this.lonLat[2 * slot + 1] = lat;
      map.set(key, slot);
      this.misses++;
    }
    out[at] = this.lonLat[2 * slot];
    out[at + 1] = this.lonLat[2 * slot + 1];
  }

  clear(): void {
    this.maps.clear();
    this.size = 0;
  }
}

export interface FrameAttributes {
  count: number;
  /** [lon, lat] per cell. */
  positions: Float64Array;
  /** RGBA per cell. */
  colors: Uint8Array;
  /** Height per cell, 0–1 of the tallest (3D extrusion). */
  heights: Float32Array;
  /** The metric's value per cell, and the largest (the legend's top). */
  values: ArrayLike<number>;
  max: number;
}

/**
 * The metric's value per cell: unique devices, positions, or positions per device (live frames); supply,
 * demand, their ratio or the surge multiplier (market frames carry supply and demand in the positions
 * and devices columns).
 */
export function metricValues(frame: HeatmapFrame, metric: HeatmapMetric): { values: ArrayLike<number>; max: number } {
  if (metric === 'devices' || metric === 'demand') return { values: frame.devices, max: frame.maxDevices };
  if (metric === 'positions' || metric === 'supply') return { values: frame.positions, max: frame.maxPositions };
  const of =
    metric === 'surge'
      ? (s: number, d: number) => surgeMultiplier(s, d)
      : metric === 'ratio'
        ? (s: number, d: number) => supplyDemandRatio(s, d)
        : (s: number, d: number) => (d > 0 ? s / d : 0);
  const values = new Float32Array(frame.count);
  let max = 0;
  for (let i = 0; i < frame.count; i++) {
    const v = (values[i] = of(frame.positions[i], frame.devices[i]));
    if (v > max) max = v;
  }
  return { values, max };
}

/** Surge (1 to 5) and ratio (centred on 1) are read against fixed scales; every other metric against its frame's values. */
export const fixedScaleOf = (metric: HeatmapMetric): 'surge' | 'ratio' | undefined => (metric === 'surge' || metric === 'ratio' ? metric : undefined);

/** The deck.gl attributes of a frame: centres from the cache, colours from the LUT under the scale mode, heights on the same scale. */
export function frameAttributes(frame: HeatmapFrame, metric: HeatmapMetric, lut: Uint8Array, cache: CenterCache, mode: ScaleMode = 'log'): FrameAttributes {
  const n = frame.count;
  const { values, max } = metricValues(frame, metric);
  const fixed = fixedScaleOf(metric);
  const index = fixed ? (v: number) => Math.round(fixedScaleT(fixed, v) * 255) : scaleMapper(mode, values, max);
  const positions = new Float64Array(2 * n);
  const colors = new Uint8Array(4 * n);
  const heights = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    cache.center(frame.cellHi[i], frame.cellLo[i], frame.resolution, positions, 2 * i);
    const k = index(values[i]);
    const c = k * 4;
    colors[4 * i] = lut[c];
    colors[4 * i + 1] = lut[c + 1];
    colors[4 * i + 2] = lut[c + 2];
    // A cell that counts nothing in the window is drawn as nothing: the palette's lowest colour means "a few", and shows.
    colors[4 * i + 3] = fixed || values[i]! > 0 ? lut[c + 3] : 0;
    heights[i] = k / 255;
  }
  return { count: n, positions, colors, heights, values, max };
}
