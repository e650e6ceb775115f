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
import { cellToHex, hexToCell } from '../../../../shared/h3-cell';
import { decodeFrame, MARKET_LAYER } from '../../../../shared/heatmap-frame';
import { MARKET_METRICS, type HeatmapMetric } from '../../../../shared/rpc';
import type { HeatmapLayerStats } from '../../../../shared/test-hooks';
import type { LayerInfo, MapSlot } from '../../map';
import { ColourEase } from './colour-ease';
import { CenterCache, fixedScaleOf, HeatAttributes, metricValues } from './frame-attributes';
import { HeatCells, type SlotChanges } from './heat-cells';
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

/**
 * Frames in, deck.gl layer out; outside React so a 100k-cell frame costs no re-render. A full frame
 * replaces the cells drawn; a delta changes them in place (heat-cells.ts) when it follows the frame
 * drawn — otherwise the controller has lost track and says so (`onLostTrack`) until a full frame comes.
 */
export class HeatmapController {
  private readonly cache = new CenterCache();
  private lut: Uint8Array;
  /** The cells drawn, slot for slot with their attributes; `drawn` once a frame of the right kind is in them. */
  private readonly cells = new HeatCells();
  private readonly attrs = new HeatAttributes();
  private drawn = false;
  private lost = false;
  /** Deltas applied since the last full frame. */
  private deltasSinceFull = 0;
  private listeners = new Set<(s: LayerStats) => void>();
  private lostListeners = new Set<() => void>();
  // Colour changes ease over 400 ms, unless the system asks for reduced motion.
  private readonly ease = new ColourEase(globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ? 0 : 400);
  private easing = 0;
  stats: LayerStats = { cells: 0, resolution: 0, frames: 0, deltas: 0, lastApplyMs: 0, max: 0, windowMs: 0, windowEnd: 0, ticks: [], layer: 'live' };
  mode: ScaleMode = 'log';
  extruded = false;
  private dimmed = false;
  private share: { owned: number; total: number } | undefined;
  private playback = false;
  /** The k-ring smoothing of the view the engine frames now, and of the frame drawn. */
  private viewSmoothing = 0;
  private frameSmoothing = 0;
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
    return this.drawn ? this.cells.windowEnd : 0;
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
    this.layers.set(HEATMAP_LAYERS, 'heat', this.drawn ? this.heatLayers() : [], this.info);
  }

  onStats(listener: (s: LayerStats) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called once when a delta does not follow the frame drawn: the engine should send a full frame (the view again). */
  onLostTrack(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** Applies a binary frame, full or delta; returns the milliseconds from receipt to the layer's props set. */
  apply(buffer: ArrayBuffer): number {
    const t0 = performance.now();
    const frame = decodeFrame(buffer);
    // Just after a switch between the live window and the market, a frame of the other kind may still come: it is not drawn in the wrong colours.
    if ((frame.layer === MARKET_LAYER) !== MARKET_METRICS.includes(this.metric)) return 0;
    let changes: SlotChanges | undefined;
    if (!frame.delta) changes = this.cells.setFull(frame);
    else if (this.drawn && this.cells.follows(frame)) changes = this.cells.applyDelta(frame);
    if (!changes) {
      if (!this.lost) {
        this.lost = true;
        for (const l of this.lostListeners) l();
      }
      return 0;
    }
    this.lost = false;
    this.drawn = true;
    this.deltasSinceFull = frame.delta ? this.deltasSinceFull + 1 : 0;
    this.frameSmoothing = this.viewSmoothing;
    this.render(changes);
    const ms = performance.now() - t0;
    this.stats = { ...this.stats, frames: this.stats.frames + 1, deltas: this.stats.deltas + (frame.delta ? 1 : 0), lastApplyMs: ms };
    for (const l of this.listeners) l(this.stats);
    return ms;
  }

  /** Every cell drawn now with its counts, by hex (tests compare them with a full frame of the engine's). */
  drawnCells(): { windowEnd: number; deltasSinceFull: number; cells: [string, number, number][] } {
    const c = this.cells;
    const cells: [string, number, number][] = [];
    if (this.drawn) for (let s = 0; s < c.count; s++) cells.push([cellToHex(c.cellHi[s]!, c.cellLo[s]!), c.positions[s]!, c.devices[s]!]);
    return { windowEnd: this.windowEnd, deltasSinceFull: this.deltasSinceFull, cells: cells.sort((a, b) => (a[0] < b[0] ? -1 : 1)) };
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
    if (this.drawn && (this.cells.layer === MARKET_LAYER) !== MARKET_METRICS.includes(metric)) {
      // The frame on screen counts something else: nothing is drawn until one of the right kind comes.
      this.drawn = false;
      this.cells.clear();
    }
    if (this.drawn) this.render(this.cells.everySlot());
    else {
      this.info = this.describe();
      this.layers.set(HEATMAP_LAYERS, 'heat', [], this.info);
    }
    for (const l of this.listeners) l(this.stats);
  }

  /** In a fleet, the partitions this engine holds: the legend says the map shows their devices only. */
  setShare(share: { owned: number; total: number } | undefined): void {
    if (share?.owned === this.share?.owned && share?.total === this.share?.total) return;
    this.share = share;
    this.info = this.describe();
    if (this.drawn) this.draw();
  }

  /** Fades the heat (a fence is being drawn over it). */
  setDimmed(dimmed: boolean): void {
    if (dimmed === this.dimmed) return;
    this.dimmed = dimmed;
    if (this.drawn) this.draw();
  }

  /** Up to `n` cells of the last frame, evenly picked (tests measure their size on screen). */
  sampleHexes(n: number): string[] {
    const c = this.cells;
    if (!this.drawn || c.count === 0) return [];
    const step = Math.max(1, Math.floor(c.count / n));
    const out: string[] = [];
    for (let i = 0; i < c.count && out.length < n; i += step) out.push(cellToHex(c.cellHi[i]!, c.cellLo[i]!));
    return out;
  }

  /** The cells of the last frame with a value above 0, quietest first (tests look at how they are drawn). */
  quietestHexes(): { hex: string; value: number }[] {
    const c = this.cells;
    const a = this.attrs;
    if (!this.drawn) return [];
    const order = Array.from({ length: c.count }, (_, i) => i).filter((i) => a.values[i]! > 0);
    order.sort((i, j) => a.values[i]! - a.values[j]!);
    return order.map((i) => ({ hex: cellToHex(c.cellHi[i]!, c.cellLo[i]!), value: a.values[i]! }));
  }

  /** The colour a cell of the last frame is drawn in now, the colour it is easing to, and its value (tests). */
  colourOf(hex: string): { shown: number[]; target: number[]; value: number } | undefined {
    const a = this.attrs;
    const i = this.slotOfHex(hex);
    if (i < 0) return undefined;
    return { shown: [...this.ease.shown.subarray(4 * i, 4 * i + 4)], target: [...a.colors.subarray(4 * i, 4 * i + 4)], value: a.values[i]! };
  }

  cellAt(index: number): CellInfo | undefined {
    const c = this.cells;
    if (!this.drawn || index < 0 || index >= c.count) return undefined;
    return { hex: cellToHex(c.cellHi[index]!, c.cellLo[index]!), resolution: c.resolution, positions: c.positions[index]!, devices: c.devices[index]! };
  }

  /** A cell's figures in the frame drawn now (what its tooltip and its card show), or undefined when the frame does not hold it. */
  cellOf(hex: string): CellInfo | undefined {
    const i = this.slotOfHex(hex);
    return i < 0 ? undefined : this.cellAt(i);
  }

  private slotOfHex(hex: string): number {
    if (!this.drawn || !/^[0-9a-f]{15,16}$/i.test(hex)) return -1;
    const cell = [0, 0];
    hexToCell(hex.toLowerCase(), cell);
    return this.cells.slotOf(cell[0]!, cell[1]!);
  }

  private render(changes: SlotChanges): void {
    const cells = this.cells;
    const attrs = this.attrs;
    attrs.update(cells, changes, this.metric, this.lut, this.cache, this.mode);
    const animated = attrs.count <= EASE_MAX_CELLS;
    this.ease.retarget(changes.origin, attrs.colors, attrs.count, performance.now(), animated);
    if (animated && !this.easing) this.easing = requestAnimationFrame(this.tick);
    const fixed = fixedScaleOf(this.metric);
    const values = attrs.values.subarray(0, attrs.count);
    const ticks = fixed ? fixedScaleTicks(fixed) : legendStops(this.mode, values, attrs.max);
    let top = -1;
    for (let i = 0; i < attrs.count; i++) if (top < 0 || values[i]! > values[top]!) top = i;
    this.stats = {
      ...this.stats,
      cells: attrs.count,
      resolution: cells.resolution,
      max: attrs.max,
      windowMs: cells.windowMs,
      windowEnd: cells.windowEnd,
      ticks,
      layer: cells.layer === MARKET_LAYER ? 'market' : 'live',
      busiest: top < 0 ? undefined : cellToHex(cells.cellHi[top]!, cells.cellLo[top]!),
    };
    this.info = this.describe();
    this.draw();
  }

  /** The row and legend of what is drawn: the name, the measure's words, the frame's ticks and the colours, all of one frame and one style. */
  private describe(): LayerInfo {
    const f = this.drawn ? this.cells : undefined;
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
        share: this.share,
      }),
    };
  }

  private readonly tick = (now: number): void => {
    if (!this.drawn) {
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
    const c = this.cells;
    return [
      new HexHeatLayer({
        id: HEATMAP_LAYERS,
        attrs: this.attrs,
        colors: this.ease.shown,
        resolution: c.resolution,
        hexIds: () => Array.from({ length: c.count }, (_, i) => cellToHex(c.cellHi[i]!, c.cellLo[i]!)),
        extruded: this.extruded,
        opacity: this.dimmed ? 0.3 : 1,
      }),
    ];
  }
}
