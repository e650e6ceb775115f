import type { Viewport } from './rpc';

/**
 * What the workstation lets the end-to-end tests and the benchmarks read and drive, as `window.__hexwatch`,
 * and only when the harness asks for it before the page loads (`window.__hexwatchTestHooks = true`): a
 * user's window exposes none of it. The renderer fills it in (renderer/src/app/test-hooks.ts).
 */

/** A fence as the fences benchmark draws it (the fields fence-layers.ts reads). */
export interface BenchFence {
  id: string;
  name: string;
  enabled: boolean;
  geometry: unknown;
}

/** The heatmap layer's figures after its last frame. */
export interface HeatmapLayerStats {
  /** Cells handed to deck.gl by the last apply. */
  cells: number;
  resolution: number;
  frames: number;
  /** Of those frames, how many came as deltas (changed, new and vanished cells only). */
  deltas: number;
  lastApplyMs: number;
  max: number;
  windowMs: number;
  /** The end of the frame's window (epoch ms): which moment a playback frame shows. */
  windowEnd: number;
  /** The legend's ticks for the frame's values under the scale mode: [value, position along the bar]. */
  ticks: [number, number][];
  /** What the last frame drawn counts: the live window, or the market. */
  layer: 'live' | 'market';
  /** The cell with the highest value in the last frame (the panel's Busiest cell goes to it). */
  busiest?: string;
}

export interface TestHooks {
  /** The heatmap layer's figures after its last frame, and whether its cells stand as 3D columns. */
  layer(): HeatmapLayerStats & { extruded: boolean };
  /** Draws a frame (the live frames' codec) as the engine's would be; returns ms spent. */
  applyFrame(buffer: ArrayBuffer): number;
  /** The same frame into a bare deck.gl layer, for the benchmark's baseline; returns ms spent. */
  applyBaseline(buffer: ArrayBuffer): number;
  /** The map's zoom, centre and pitch; `requested`: the resolution the engine frames the last view at, that view's zoom, and the view as sent. */
  view(): { zoom: number; lat: number; lon: number; pitch: number; moving: boolean; requested?: { resolution: number; zoom: number; viewport: Viewport } };
  /** Every cell the heatmap draws now as [hex, positions, devices], by hex; the end of the window they count; the deltas drawn since the last full frame. */
  drawnCells(): { windowEnd: number; deltasSinceFull: number; cells: [string, number, number][] };
  /** How wide (px, corner to corner) up to `n` cells of the last frame are on screen now. */
  hexWidthsPx(n: number): number[];
  /** Where on the map (px from its top left) the centre of a cell of the last frame is, the busiest on screen. */
  cellPoint(): { x: number; y: number; hex: string } | undefined;
  /** Where on the map (px from its top left) the centres of the `n` quietest cells on screen are (the smallest values above 0), quietest first. */
  quietCellPoints(n: number): { x: number; y: number; hex: string; value: number }[];
  /** The offline basemap's colours under the theme shown now (#rrggbb): what a cell must stand off. */
  basemapColours(): { land: string; ocean: string };
  /** Every command registered (whether it applies now or not), as the palette would name it. */
  commands(): { id: string; group: string; title: string; shortcut?: string }[];
  /** The ids of every deck.gl layer drawn now. */
  layerIds(): string[];
  /** The Layers list as the map's composer holds it, top first: each layer's composer id, name, kind, and the analyst's settings. */
  layerRows(): { id: string; name: string; kind: string; visible: boolean; opacity: number }[];
  /** The colour a cell of the last frame is drawn in, the one it eases to, and its value. */
  cellColour(hex: string): { shown: number[]; target: number[]; value: number } | undefined;
  /** The drawing tool's mode ('static' when nothing is drawn) and how many shapes it holds. */
  drawing(): { mode: string; features: number };
  /** Where [lon, lat] is on the map, px from its top left. */
  project(p: [number, number]): [number, number];
  /** The place names drawn on the map now. */
  places(): string[];
  /** Draws `fences` (ours, or a bare GeoJsonLayer of the same polygons); resolves with ms to the next paint. */
  benchDrawFences(fences: BenchFence[], bare: boolean): Promise<number>;
  /** Frame intervals (ms) while the map glides for `ms`, as under a drag (one move, many frames). */
  benchPan(ms: number): Promise<number[]>;
  benchClear(): void;
  /** Puts an event into the live feed as the engine's channel would; and how long the feed is. */
  benchEvent(entry: unknown): void;
  benchFeedLength(): number;
}

export type TestHookName = keyof TestHooks;
