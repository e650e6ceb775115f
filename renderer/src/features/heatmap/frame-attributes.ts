import { cellToLatLng } from 'h3-js';
import { fixedScaleT, scaleMapper, type ScaleMode } from '../../../../shared/color-scale';
import { cellKey } from '../../../../shared/h3-cell';
import type { HeatmapFrame } from '../../../../shared/heatmap-frame';
import type { HeatmapMetric } from '../../../../shared/rpc';
import { HeatCells, type SlotChanges } from './heat-cells';
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
  /** Cells drawn: slots 0 to count - 1 of the arrays below (which may be longer). */
  count: number;
  /** [lon, lat] per cell. */
  positions: Float64Array;
  /** RGBA per cell. */
  colors: Uint8Array;
  /** Height per cell, 0–1 of the tallest (3D extrusion). */
  heights: Float32Array;
  /** The metric's value per cell, and the largest (the legend's top). */
  values: Float64Array;
  max: number;
}

/** The value a metric reads from a cell's two counts (live: positions, devices; market: supply, demand). */
function valueOf(metric: HeatmapMetric): (positions: number, devices: number) => number {
  if (metric === 'devices' || metric === 'demand') return (_p, d) => d;
  if (metric === 'positions' || metric === 'supply') return (p) => p;
  if (metric === 'surge') return (s, d) => surgeMultiplier(s, d);
  if (metric === 'ratio') return (s, d) => supplyDemandRatio(s, d);
  return (p, d) => (d > 0 ? p / d : 0);
}

/**
 * The metric's value per cell: unique devices, positions, or positions per device (live frames); supply,
 * demand, their ratio or the surge multiplier (market frames carry supply and demand in the positions
 * and devices columns).
 */
export function metricValues(frame: HeatmapFrame, metric: HeatmapMetric): { values: ArrayLike<number>; max: number } {
  if (metric === 'devices' || metric === 'demand') return { values: frame.devices, max: frame.maxDevices };
  if (metric === 'positions' || metric === 'supply') return { values: frame.positions, max: frame.maxPositions };
  const of = valueOf(metric);
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

/** Where slot ranges closer than this are sent as one: fewer, slightly longer uploads. */
const MERGE_GAP = 64;
/** More ranges than this go up as one span from the first to the last. */
const MAX_RANGES = 128;

/**
 * The deck.gl attributes of the cells drawn (heat-cells.ts), slot for slot: centres from the cache, colours
 * from the LUT under the scale mode, heights on the same scale. An update after a delta recomputes the
 * slots it touched — and every colour only when the scale moved (a new largest value, quantiles) — and
 * keeps the slots whose centre changed for the layer, which re-uploads just those (`takePlaced`).
 */
export class HeatAttributes implements FrameAttributes {
  count = 0;
  positions = new Float64Array(0);
  colors = new Uint8Array(0);
  heights = new Float32Array(0);
  values = new Float64Array(0);
  max = 0;
  /** Bumped when heights (and colours) change: the layer re-uploads them then only. */
  heightsVersion = 0;
  /** Bumped when centres change. */
  placedVersion = 0;
  /** Slots whose centre changed since the layer took them; undefined: every slot. */
  private placedSince: number[] | undefined;

  /** Follows an apply to `cells`: `changes` says which slots it touched. */
  update(cells: HeatCells, changes: SlotChanges, metric: HeatmapMetric, lut: Uint8Array, cache: CenterCache, mode: ScaleMode = 'log'): void {
    const n = cells.count;
    this.reserve(n);
    const of = valueOf(metric);
    const value = (s: number) => (this.values[s] = of(cells.positions[s], cells.devices[s]));
    const centre = (s: number) => cache.center(cells.cellHi[s], cells.cellLo[s], cells.resolution, this.positions, 2 * s);
    const before = this.max;
    if (changes.all) {
      for (let s = 0; s < n; s++) {
        centre(s);
        value(s);
      }
      this.placedSince = undefined;
    } else {
      for (let k = 0; k < changes.placedCount; k++) {
        const s = changes.placed[k]!;
        if (s >= n) continue; // filled, then moved on to fill another gap
        centre(s);
        value(s);
        this.placedSince?.push(s);
      }
      for (let k = 0; k < changes.changedCount; k++) if (changes.changed[k]! < n) value(changes.changed[k]!);
    }
    if (changes.all || changes.placedCount > 0) this.placedVersion++;
    // Nobody took them for longer than they are worth: the next upload is whole.
    if (this.placedSince && this.placedSince.length > n) this.placedSince = undefined;
    this.count = n;
    if (metric === 'devices' || metric === 'demand') this.max = cells.maxDevices;
    else if (metric === 'positions' || metric === 'supply') this.max = cells.maxPositions;
    else {
      let max = 0;
      for (let s = 0; s < n; s++) if (this.values[s]! > max) max = this.values[s]!;
      this.max = max;
    }
    const fixed = fixedScaleOf(metric);
    const index = fixed ? (v: number) => Math.round(fixedScaleT(fixed, v) * 255) : scaleMapper(mode, this.values.subarray(0, n), this.max);
    const colour = (s: number) => {
      const v = this.values[s]!;
      const k = index(v);
      const c = k * 4;
      this.colors[4 * s] = lut[c]!;
      this.colors[4 * s + 1] = lut[c + 1]!;
      this.colors[4 * s + 2] = lut[c + 2]!;
      // A cell that counts nothing in the window is drawn as nothing: the palette's lowest colour means "a few", and shows.
      this.colors[4 * s + 3] = fixed || v > 0 ? lut[c + 3]! : 0;
      this.heights[s] = k / 255;
    };
    if (changes.all || (!fixed && (mode === 'quantile' || this.max !== before))) for (let s = 0; s < n; s++) colour(s);
    else {
      for (let k = 0; k < changes.placedCount; k++) if (changes.placed[k]! < n) colour(changes.placed[k]!);
      for (let k = 0; k < changes.changedCount; k++) if (changes.changed[k]! < n) colour(changes.changed[k]!);
    }
    this.heightsVersion++;
  }

  /** The slot ranges [start, end) whose centres changed since the last call; undefined: all of them. */
  takePlaced(): [number, number][] | undefined {
    const slots = this.placedSince;
    this.placedSince = [];
    if (!slots) return undefined;
    const sorted = Int32Array.from(slots).sort();
    const ranges: [number, number][] = [];
    for (const s of sorted) {
      const last = ranges[ranges.length - 1];
      if (last && s - last[1] <= MERGE_GAP) last[1] = Math.max(last[1], s + 1);
      else ranges.push([s, s + 1]);
    }
    return ranges.length > MAX_RANGES ? [[ranges[0]![0], ranges[ranges.length - 1]![1]]] : ranges;
  }

  private reserve(n: number): void {
    if (n <= this.heights.length) return;
    const size = Math.max(n, 2 * this.heights.length);
    const grow = <T extends Float64Array | Float32Array | Uint8Array>(a: T, per: number): T => {
      const b = new (a.constructor as new (length: number) => T)(size * per);
      b.set(a);
      return b;
    };
    this.positions = grow(this.positions, 2);
    this.colors = grow(this.colors, 4);
    this.heights = grow(this.heights, 1);
    this.values = grow(this.values, 1);
  }
}

/** The deck.gl attributes of one full frame (what a fresh layer draws). */
export function frameAttributes(frame: HeatmapFrame, metric: HeatmapMetric, lut: Uint8Array, cache: CenterCache, mode: ScaleMode = 'log'): HeatAttributes {
  const cells = new HeatCells();
  const attrs = new HeatAttributes();
  attrs.update(cells, cells.setFull(frame), metric, lut, cache, mode);
  return attrs;
}
