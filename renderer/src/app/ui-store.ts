import { useSyncExternalStore } from 'react';
import { z } from 'zod';
import { COLOR_SCALES, DEFAULT_SCALE, type ColorScaleName, type ScaleMode } from '../../../shared/color-scale';
import { HeatmapMetricSchema, type HeatmapMetric } from '../../../shared/rpc';
import type { Basemap } from '../map';
import { persistFields } from './preferences';
import { createStore } from './store';

export type PanelId = 'heatmap' | 'fences' | 'deliveries' | 'notebooks' | 'fleet';
export type Theme = 'dark' | 'light';

/** Time playback of the archive: where t is, how fast it runs, what the heatmap shows around it. */
export interface PlaybackState {
  t: number;
  /** Positions of the last `windowMs` before t (or everything up to t when cumulative). */
  windowMs: number;
  cumulative: boolean;
  playing: boolean;
  /** Archive milliseconds per wall-clock millisecond: 1–3600. */
  speed: number;
}

/** The UI state map and panels share (what is open, selected, drawn, and how the heatmap is coloured); data from the engine lives in the engine hooks. */
export interface UiState {
  panel: PanelId | null;
  theme: Theme;
  paletteOpen: boolean;
  metric: HeatmapMetric;
  scale: ColorScaleName;
  scaleMode: ScaleMode;
  /** Columns whose height follows the value. */
  extruded: boolean;
  /** Cell size: sized for the screen, moved `detail` steps finer (+) or coarser (−); or the zoom table (shared/zoom.ts). */
  detail: number;
  detailPreset: 'screen' | 'table';
  /** k-ring smoothing, 0–3. */
  smoothing: number;
  /** What the analyst has selected on the map or in a panel. */
  selection: { kind: 'cell'; hex: string } | { kind: 'device'; id: string; fence?: string } | { kind: 'fence'; id: string } | null;
  /** The map under everything (see map/basemap-style.ts). */
  basemap: Basemap;
  /** A drawing tool in use on the map, if any ('select': the drawn shape is being edited). */
  drawing: 'polygon' | 'rectangle' | 'circle' | 'freehand' | 'select' | null;
  /** The heatmap plays the archive back instead of showing the live window. */
  playback: PlaybackState | null;
}

/** The first theme follows the system; a choice is kept as a preference. */
const systemTheme = (): Theme => (globalThis.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark');

const store = createStore<UiState>({
  panel: 'heatmap',
  theme: systemTheme(),
  paletteOpen: false,
  metric: 'devices',
  scale: DEFAULT_SCALE,
  scaleMode: 'log',
  extruded: false,
  detail: 0,
  detailPreset: 'screen',
  smoothing: 0,
  selection: null,
  basemap: { kind: 'offline' },
  drawing: null,
  playback: null,
});

// What the analyst chose for the map and its heat comes back on reload and at the next start.
persistFields(store, 'workbench', {
  // The panel open when the analyst left comes back open (none: the map alone).
  panel: z.enum(['heatmap', 'fences', 'deliveries', 'notebooks', 'fleet']).nullable(),
  theme: z.enum(['dark', 'light']),
  metric: HeatmapMetricSchema,
  scale: z.enum(Object.keys(COLOR_SCALES) as [ColorScaleName, ...ColorScaleName[]]),
  scaleMode: z.enum(['log', 'linear', 'quantile']),
  extruded: z.boolean(),
  detail: z.number().int().min(-4).max(4),
  detailPreset: z.enum(['screen', 'table']),
  smoothing: z.number().int().min(0).max(3),
  // A PMTiles file is the analyst's to open again (the browser never says where it is): only these come back.
  basemap: z.union([z.object({ kind: z.literal('offline') }), z.object({ kind: z.literal('style'), url: z.string().url() })]),
});

export const getUi = store.get;
export const subscribeUi = store.subscribe;

export function setUi(patch: Partial<UiState> | ((s: UiState) => Partial<UiState>)): void {
  const state = store.get();
  const next = { ...state, ...(typeof patch === 'function' ? patch(state) : patch) };
  store.set(next);
}

/** The fence selected: itself, or the fence of a device picked from its events. */
export const selectedFence = (s: UiState): string | undefined =>
  s.selection?.kind === 'fence' ? s.selection.id : s.selection?.kind === 'device' ? s.selection.fence : undefined;

/** A slice of the UI state (a value, not a new object: it is compared with Object.is); the component re-renders when it changes. */
export function useUi<T>(select: (s: UiState) => T): T {
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}
