import type { Layer } from '@deck.gl/core';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { COLOR_SCALES, colorLut, legendStops, scaleIndex, type ColorScaleName, type ScaleMode } from '../../../../shared/color-scale';
import { cellKey, cellToHex } from '../../../../shared/h3-cell';
import { decodeFrame, type HeatmapFrame } from '../../../../shared/heatmap-frame';
import type { HeatmapMetric } from '../../../../shared/rpc';
import { ColourEase } from './colour-ease';
import { CenterCache, frameAttributes, metricValues, type FrameAttributes } from './frame-attributes';
import { HexHeatLayer } from './hex-heat-layer';

export interface LayerStats {
  /** Cells handed to deck.gl by the last apply. */
  cells: number;
  resolution: number;
  frames: number;
  lastApplyMs: number;
  max: number;
  windowMs: number;
  /** The legend's ticks for the frame's values under the scale mode: [value, position along the bar]. */
  ticks: [number, number][];
}

export interface CellInfo {
  hex: string;
  resolution: number;
  positions: number;
  devices: number;
}

/** Where the heatmap's layers go (the map's layer composer). */
export interface LayerSink {
  set(id: string, layers: Layer[], order?: number): void;
}

/**
 * Frames up to this many cells ease their colours (a screen-sized frame holds a few thousand); a larger
 * one (a zoomed-out continent) switches at once: each tick of an ease redraws every cell.
 */
const EASE_MAX_CELLS = 20_000;

/** The heatmap's layers in the composer: below everything else a feature draws. */
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
  stats: LayerStats = { cells: 0, resolution: 0, frames: 0, lastApplyMs: 0, max: 0, windowMs: 0, ticks: [] };
  mode: ScaleMode = 'log';
  extruded = false;
  private dimmed = false;

  constructor(
    private readonly layers: LayerSink,
    public metric: HeatmapMetric = 'devices',
    public scale: ColorScaleName = 'thermal',
  ) {
    this.lut = colorLut(COLOR_SCALES[scale]);
  }

  onStats(listener: (s: LayerStats) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies a binary frame; returns the milliseconds from receipt to the layer's props set. */
  apply(buffer: ArrayBuffer): number {
    const t0 = performance.now();
    this.frame = decodeFrame(buffer);
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
    this.layers.set(
      HEATMAP_LAYERS,
      [
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
      ],
      -1,
    );
    return performance.now() - t0;
  }

  setStyle(metric: HeatmapMetric, scale: ColorScaleName, mode: ScaleMode = this.mode, extruded = this.extruded): void {
    this.metric = metric;
    this.scale = scale;
    this.mode = mode;
    this.extruded = extruded;
    this.lut = colorLut(COLOR_SCALES[scale]);
    if (this.frame) this.render();
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

  cellAt(index: number): CellInfo | undefined {
    const f = this.frame;
    if (!f || index < 0 || index >= f.count) return undefined;
    return { hex: cellToHex(f.cellHi[index], f.cellLo[index]), resolution: f.resolution, positions: f.positions[index], devices: f.devices[index] };
  }

  private render(): void {
    const frame = this.frame!;
    const attrs = (this.attrs = frameAttributes(frame, this.metric, this.lut, this.cache, this.mode));
    const keys = new Float64Array(frame.count);
    for (let i = 0; i < frame.count; i++) keys[i] = cellKey(frame.cellHi[i], frame.cellLo[i]);
    const animated = attrs.count <= EASE_MAX_CELLS;
    this.ease.retarget(keys, attrs.colors, attrs.count, performance.now(), animated);
    this.draw();
    if (animated && !this.easing) this.easing = requestAnimationFrame(this.tick);
    const ticks = legendStops(this.mode, attrs.values, attrs.max);
    this.stats = { ...this.stats, cells: attrs.count, resolution: frame.resolution, max: attrs.max, windowMs: frame.windowMs, ticks };
  }

  private readonly tick = (now: number): void => {
    const going = this.ease.step(now);
    this.draw();
    this.easing = going ? requestAnimationFrame(this.tick) : 0;
  };

  /** The layer for the last frame with the colours the ease has reached. */
  private draw(): void {
    const frame = this.frame!;
    this.layers.set(
      HEATMAP_LAYERS,
      [
        new HexHeatLayer({
          id: HEATMAP_LAYERS,
          attrs: this.attrs!,
          colors: this.ease.shown,
          resolution: frame.resolution,
          hexIds: () => Array.from({ length: frame.count }, (_, i) => cellToHex(frame.cellHi[i], frame.cellLo[i])),
          extruded: this.extruded,
          opacity: this.dimmed ? 0.3 : 1,
        }),
      ],
      -1,
    );
  }
}
