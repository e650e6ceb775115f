import type { Layer } from '@deck.gl/core';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import {
  BALANCE,
  COLOR_SCALES,
  DEFAULT_SCALE,
  colorLut,
  fixedScaleTicks,
  legendStops,
  scaleIndex,
  SURGE,
  type ColorScaleName,
  type ScaleMode,
} from '../../../../shared/color-scale';
import { cellKey, cellToHex, hexToCell } from '../../../../shared/h3-cell';
import { decodeFrame, MARKET_LAYER, type HeatmapFrame } from '../../../../shared/heatmap-frame';
import { MARKET_METRICS, type HeatmapMetric } from '../../../../shared/rpc';
import type { HeatmapLayerStats } from '../../../../shared/test-hooks';
import type { LayerInfo, MapSlot } from '../../map';
import { ColourEase } from './colour-ease';
import { CenterCache, fixedScaleOf, frameAttributes, metricValues, type FrameAttributes } from './frame-attributes';
import { heatLegend } from './heatmap-legend';
import { HexHeatLayer } from './hex-heat-layer';

/** The heatmap layer's figures after its last frame (the legend reads them; so do the tests). */
export type LayerStats = HeatmapLayerStats;

export interface CellInfo {
  hex: string;
  resolution: number;
  positions: number;
  devices: number;
}

/** Where the heatmap's layers go (the map's layer composer), with the row and legend that describe them. */
export interface LayerSink {
  set(id: string, slot: MapSlot, layers: Layer[], info?: LayerInfo): void;
}

/**
 * Frames up to this many cells ease their colours (a screen-sized frame holds a few thousand); a larger
 * one (a zoomed-out continent) switches at once: each tick of an ease redraws every cell.
 */
const EASE_MAX_CELLS = 20_000;

/** The colours of a metric: surge and ratio have fixed scales of their own (surge sequential, ratio diverging); the rest the scale chosen. */
const stopsOf = (metric: HeatmapMetric, scale: ColorScaleName) => (metric === 'surge' ? SURGE : metric === 'ratio' ? BALANCE : COLOR_SCALES[scale]);

/** The heatmap's layers in the composer (in its 'heat' slot, below everything else a feature draws). */
export const HEATMAP_LAYERS = 'heatmap';

/** Frames in, deck.gl layer out; outside React so a 100k-cell frame costs no re-render. */
export class HeatmapController {
  private readonly cache = new CenterCache();
  private lut: Uint8Array;
  private frame: HeatmapFrame | undefined;
  private attrs: FrameAttributes | undefined;
  private listeners = new Set<(s: LayerStats) => void>();
  // Colour changes ease over 400 ms, unless the system asks for reduced motion.
  private readonly ease = new ColourEase(globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ? 0 : 400);
  private easing = 0;
  stats: LayerStats = { cells: 0, resolution: 0, frames: 0, lastApplyMs: 0, max: 0, windowMs: 0, windowEnd: 0, ticks: [], layer: 'live' };
  mode: ScaleMode = 'log';
  extruded = false;
  private dimmed = false;
  private playback = false;
  /** The k-ring smoothing of the view the engine frames now, and of the frame drawn. */
  private viewSmoothing = 0;
  private frameSmoothing = 0;
  /** The last frame's cells by key, made when a cell is first looked up in it. */
  private index: Map<number, number> | undefined;
  private info: LayerInfo;

  constructor(
    private readonly layers: LayerSink,
    public metric: HeatmapMetric = 'devices',
    public scale: ColorScaleName = DEFAULT_SCALE,
  ) {
    this.lut = colorLut(stopsOf(metric, scale));
    this.info = this.describe();
    this.layers.set(HEATMAP_LAYERS, 'heat', [], this.info);
  }

  /** The layer's name in the Layers list and on its legend: what its frames count. */
  get name(): string {
    return this.playback ? 'Playback' : MARKET_METRICS.includes(this.metric) ? 'Market' : 'Live heatmap';
  }

  /** The end of the drawn frame's window (epoch ms; 0 before the first): an older frame is not drawn over it. */
  get windowEnd(): number {
    return this.frame?.windowEnd ?? 0;
  }

  /** The k-ring smoothing the drawn frame was built with. */
  get smoothing(): number {
    return this.frameSmoothing;
  }

  /** The engine frames a new view: frames applied from now on were built with this smoothing. */
  viewChanged(smoothing: number): void {
    this.viewSmoothing = smoothing;
  }

  /** Frames of the archive are drawn instead of live ones (the row and legend say so). */
  setPlayback(playback: boolean): void {
    if (playback === this.playback) return;
    this.playback = playback;
    this.info = this.describe();
    this.layers.set(HEATMAP_LAYERS, 'heat', this.frame ? this.heatLayers() : [], this.info);
  }

  onStats(listener: (s: LayerStats) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies a binary frame; returns the milliseconds from receipt to the layer's props set. */
  apply(buffer: ArrayBuffer): number {
    const t0 = performance.now();
    const frame = decodeFrame(buffer);
    // Just after a switch between the live window and the market, a frame of the other kind may still come: it is not drawn in the wrong colours.
    if ((frame.layer === MARKET_LAYER) !== MARKET_METRICS.includes(this.metric)) return 0;
    this.frame = frame;
    this.index = undefined;
    this.frameSmoothing = this.viewSmoothing;
    this.render();
    const ms = performance.now() - t0;
    this.stats = { ...this.stats, frames: this.stats.frames + 1, lastApplyMs: ms };
    for (const l of this.listeners) l(this.stats);
    return ms;
  }

  /**
   * The benchmark's baseline: the same frame through a bare deck.gl H3HexagonLayer (hex strings, an
   * accessor per cell), as an app would write it without the binary path.
   */
  applyBaseline(buffer: ArrayBuffer): number {
    const t0 = performance.now();
    const f = decodeFrame(buffer);
    const { values, max } = metricValues(f, this.metric);
    const data = Array.from({ length: f.count }, (_, i) => ({ hex: cellToHex(f.cellHi[i], f.cellLo[i]), v: values[i] }));
    const lut = this.lut;
    this.layers.set(HEATMAP_LAYERS, 'heat', [
      new H3HexagonLayer<{ hex: string; v: number }>({
        id: 'heatmap-baseline',
        data,
        getHexagon: (d) => d.hex,
        getFillColor: (d) => {
          const c = scaleIndex(d.v, max) * 4;
          return [lut[c], lut[c + 1], lut[c + 2], lut[c + 3]];
        },
        extruded: false,
        stroked: false,
      }),
    ]);
    return performance.now() - t0;
  }

  setStyle(metric: HeatmapMetric, scale: ColorScaleName, mode: ScaleMode = this.mode, extruded = this.extruded): void {
    this.metric = metric;
    this.scale = scale;
    this.mode = mode;
    this.extruded = extruded;
    this.lut = colorLut(stopsOf(metric, scale));
    if (this.frame && (this.frame.layer === MARKET_LAYER) !== MARKET_METRICS.includes(metric)) {
      // The frame on screen counts something else: nothing is drawn until one of the right kind comes.
      this.frame = undefined;
      this.attrs = undefined;
      this.index = undefined;
    }
    if (this.frame) this.render();
    else {
      this.info = this.describe();
      this.layers.set(HEATMAP_LAYERS, 'heat', [], this.info);
    }
    for (const l of this.listeners) l(this.stats);
  }

  /** Fades the heat (a fence is being drawn over it). */
  setDimmed(dimmed: boolean): void {
    if (dimmed === this.dimmed) return;
    this.dimmed = dimmed;
    if (this.frame) this.draw();
  }

  /** Up to `n` cells of the last frame, evenly picked (tests measure their size on screen). */
  sampleHexes(n: number): string[] {
    const f = this.frame;
    if (!f || f.count === 0) return [];
    const step = Math.max(1, Math.floor(f.count / n));
    const out: string[] = [];
    for (let i = 0; i < f.count && out.length < n; i += step) out.push(cellToHex(f.cellHi[i], f.cellLo[i]));
    return out;
  }

  /** The cells of the last frame with a value above 0, quietest first (tests look at how they are drawn). */
  quietestHexes(): { hex: string; value: number }[] {
    const f = this.frame;
    const a = this.attrs;
    if (!f || !a) return [];
    const order = Array.from({ length: f.count }, (_, i) => i).filter((i) => a.values[i]! > 0);
    order.sort((i, j) => a.values[i]! - a.values[j]!);
    return order.map((i) => ({ hex: cellToHex(f.cellHi[i], f.cellLo[i]), value: a.values[i]! }));
  }

  /** The colour a cell of the last frame is drawn in now, the colour it is easing to, and its value (tests). */
  colourOf(hex: string): { shown: number[]; target: number[]; value: number } | undefined {
    const f = this.frame;
    const a = this.attrs;
    if (!f || !a) return undefined;
    for (let i = 0; i < f.count; i++)
      if (cellToHex(f.cellHi[i], f.cellLo[i]) === hex)
        return { shown: [...this.ease.shown.subarray(4 * i, 4 * i + 4)], target: [...a.colors.subarray(4 * i, 4 * i + 4)], value: a.values[i]! };
    return undefined;
  }

  cellAt(index: number): CellInfo | undefined {
    const f = this.frame;
    if (!f || index < 0 || index >= f.count) return undefined;
    return { hex: cellToHex(f.cellHi[index], f.cellLo[index]), resolution: f.resolution, positions: f.positions[index], devices: f.devices[index] };
  }

  /** A cell's figures in the frame drawn now (what its tooltip and its card show), or undefined when the frame does not hold it. */
  cellOf(hex: string): CellInfo | undefined {
    const f = this.frame;
    if (!f || !/^[0-9a-f]{15,16}$/i.test(hex)) return undefined;
    if (!this.index) {
      this.index = new Map();
      for (let i = 0; i < f.count; i++) this.index.set(cellKey(f.cellHi[i], f.cellLo[i]), i);
    }
    const cell = [0, 0];
    hexToCell(hex.toLowerCase(), cell);
    const i = this.index.get(cellKey(cell[0]!, cell[1]!));
    // A key is exact within one resolution only.
    return i === undefined || f.cellHi[i] !== cell[0] ? undefined : this.cellAt(i);
  }

  private render(): void {
    const frame = this.frame!;
    const attrs = (this.attrs = frameAttributes(frame, this.metric, this.lut, this.cache, this.mode));
    const keys = new Float64Array(frame.count);
    for (let i = 0; i < frame.count; i++) keys[i] = cellKey(frame.cellHi[i], frame.cellLo[i]);
    const animated = attrs.count <= EASE_MAX_CELLS;
    this.ease.retarget(keys, attrs.colors, attrs.count, performance.now(), animated);
    if (animated && !this.easing) this.easing = requestAnimationFrame(this.tick);
    const fixed = fixedScaleOf(this.metric);
    const ticks = fixed ? fixedScaleTicks(fixed) : legendStops(this.mode, attrs.values, attrs.max);
    let top = -1;
    for (let i = 0; i < attrs.count; i++) if (top < 0 || attrs.values[i]! > attrs.values[top]!) top = i;
    this.stats = {
      ...this.stats,
      cells: attrs.count,
      resolution: frame.resolution,
      max: attrs.max,
      windowMs: frame.windowMs,
      windowEnd: frame.windowEnd,
      ticks,
      layer: frame.layer === MARKET_LAYER ? 'market' : 'live',
      busiest: top < 0 ? undefined : cellToHex(frame.cellHi[top], frame.cellLo[top]),
    };
    this.info = this.describe();
    this.draw();
  }

  /** The row and legend of what is drawn: the name, the measure's words, the frame's ticks and the colours, all of one frame and one style. */
  private describe(): LayerInfo {
    const f = this.frame;
    return {
      name: this.name,
      kind: 'heat',
      legend: heatLegend({
        metric: this.metric,
        stops: stopsOf(this.metric, this.scale),
        mode: this.mode,
        frame: f && {
          ticks: this.stats.ticks,
          resolution: f.resolution,
          windowMs: f.windowMs,
          smoothing: this.frameSmoothing,
          market: f.layer === MARKET_LAYER,
        },
      }),
    };
  }

  private readonly tick = (now: number): void => {
    if (!this.frame) {
      this.easing = 0;
      return;
    }
    const going = this.ease.step(now);
    this.draw();
    this.easing = going ? requestAnimationFrame(this.tick) : 0;
  };

  /** The layer for the last frame with the colours the ease has reached. */
  private draw(): void {
    this.layers.set(HEATMAP_LAYERS, 'heat', this.heatLayers(), this.info);
  }

  private heatLayers(): Layer[] {
    const frame = this.frame!;
    return [
      new HexHeatLayer({
        id: HEATMAP_LAYERS,
        attrs: this.attrs!,
        colors: this.ease.shown,
        resolution: frame.resolution,
        hexIds: () => Array.from({ length: frame.count }, (_, i) => cellToHex(frame.cellHi[i], frame.cellLo[i])),
        extruded: this.extruded,
        opacity: this.dimmed ? 0.3 : 1,
      }),
    ];
  }
}
