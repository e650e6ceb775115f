import type { Layer } from '@deck.gl/core';
import { GeoJsonLayer, PathLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Fence, FenceGeometry } from '../../../../shared/fence';
import type { FenceEvent } from '../../../../shared/fence-event';
import { glyphsFor } from '../../map';
import { EVENT_COLOURS } from './event-colours';
import { crossingEdges, fenceCentre, fencePolygons } from './fence-geometry';

export const FENCE_LAYERS = 'fences';
/** How long an event's flash stays on the map. */
export const FLASH_MS = 3000;
type Rgb = readonly [number, number, number];
export type FenceState = 'enabled' | 'disabled' | 'selected' | 'editing' | 'invalid';

/**
 * A fence's colour by its state. Enabled fences are white on the dark map and ink on the light one
 * (they stand apart from every heat colour); the fence being edited is yellow, red while it is invalid.
 */
export function stateColours(theme: 'dark' | 'light'): Record<FenceState, Rgb> {
  return theme === 'dark'
    ? { enabled: [255, 255, 255], disabled: [150, 158, 175], selected: [255, 122, 47], editing: [255, 214, 10], invalid: [255, 40, 40] }
    : { enabled: [22, 32, 56], disabled: [120, 128, 145], selected: [217, 86, 15], editing: [196, 150, 0], invalid: [220, 20, 20] };
}

/** A fence as the GeoJSON feature its layer draws (picking gives it back). */
export interface FenceShape {
  type: 'Feature';
  geometry: { type: 'MultiPolygon'; coordinates: [number, number][][][] };
  properties: { fence: Fence };
}

export interface Flash {
  event: FenceEvent;
  at: number;
}

export interface FenceLayerInput {
  fences: readonly Fence[];
  theme: 'dark' | 'light';
  /** The fence being drawn or edited (drawn by terra-draw; its outline, crossing edges and ghost here). */
  draft?: { id?: string; geometry?: FenceGeometry; ghost?: FenceGeometry } | null;
  backtest?: readonly FenceEvent[];
  /** A device's track over the backtest's range, [lon, lat] in time order. */
  track?: readonly [number, number][];
  /** The fence selected (from the list or the feed): outlined in the accent colour. */
  selected?: string;
  flashes?: readonly Flash[];
  now?: number;
  /** Layer ids start with this (the composer's source id). */
  id?: string;
}

let lastShapes: { fences: readonly Fence[]; without?: string; saved: Fence[]; collection: { type: 'FeatureCollection'; features: FenceShape[] } } | undefined;

/**
 * The saved fences (but the one being edited) as GeoJSON — deck.gl's GeoJsonLayer turns it into flat
 * binary attributes for its sublayers, no accessor call per vertex. The same objects while the fences
 * are the same: a redraw for a flash must not make deck.gl rebuild a thousand polygons.
 */
function shapesOf(fences: readonly Fence[], without: string | undefined) {
  if (lastShapes?.fences === fences && lastShapes.without === without) return lastShapes;
  const saved = fences.filter((f) => f.id !== without);
  const features: FenceShape[] = saved.map((fence) => ({
    type: 'Feature',
    geometry: { type: 'MultiPolygon', coordinates: fencePolygons(fence.geometry) },
    properties: { fence },
  }));
  return (lastShapes = { fences, without, saved, collection: { type: 'FeatureCollection', features } });
}

/**
 * The fences' deck.gl layers: each saved fence filled and outlined by its state, its name at its centre;
 * the draft's outline, an older version as a ghost, the draft's crossing edges in red; what a backtest
 * would have fired; and each live event flashing where it happened.
 */
export function fenceLayers(input: FenceLayerInput): Layer[] {
  const { fences, theme, draft, now = performance.now(), id = FENCE_LAYERS } = input;
  const { saved, collection } = shapesOf(fences, draft?.id);
  const colours = stateColours(theme);
  const colour = (f: Fence) => (f.enabled ? colours.enabled : colours.disabled);
  const text: [number, number, number, number] = theme === 'dark' ? [235, 240, 250, 255] : [20, 24, 32, 255];
  const halo: [number, number, number, number] = theme === 'dark' ? [11, 19, 34, 255] : [255, 255, 255, 255];
  const path = (suffix: string, data: [number, number][][], color: [number, number, number, number], width: number) =>
    new PathLayer<[number, number][]>({ id: `${id}-${suffix}`, data, getPath: (p) => p, getColor: color, getWidth: width, widthUnits: 'pixels' });
  const crossing = crossingEdges(draft?.geometry);
  const selected = input.selected !== undefined && input.selected !== draft?.id ? saved.find((f) => f.id === input.selected) : undefined;
  // Only layers with something to draw: an empty layer still costs a pass of every frame.
  const layers: (Layer | false)[] = [
    new GeoJsonLayer<FenceShape['properties']>({
      id: `${id}-areas`,
      data: collection as never,
      filled: true,
      stroked: true,
      getFillColor: (f) => [...colour(f.properties.fence), f.properties.fence.enabled ? 28 : 14],
      getLineColor: (f) => [...colour(f.properties.fence), 230],
      getLineWidth: 2.5,
      lineWidthUnits: 'pixels',
      pickable: true,
      // The same shapes in another theme: only the colours are computed again.
      updateTriggers: { getFillColor: theme, getLineColor: theme },
    }),
    new TextLayer<Fence>({
      id: `${id}-names`,
      data: saved,
      getText: (f) => f.name,
      getPosition: (f) => fenceCentre(f.geometry),
      getSize: 13,
      getColor: text,
      fontFamily: '"Noto Sans", sans-serif',
      characterSet: glyphsFor(saved.map((f) => f.name)),
      fontSettings: { sdf: true, fontSize: 64, buffer: 8 },
      outlineWidth: 4,
      outlineColor: halo,
    }),
    draft?.geometry !== undefined && path('draft', fencePolygons(draft.geometry).flat(), [...(crossing.length ? colours.invalid : colours.editing), 255], 2),
    draft?.ghost !== undefined && path('ghost', fencePolygons(draft.ghost).flat(), [170, 200, 255, 200], 3),
    crossing.length > 0 && path('crossing', crossing, [...colours.invalid, 255], 5),
    selected !== undefined && path('selected', fencePolygons(selected.geometry).flat(), [...colours.selected, 255], 4),
    (input.track?.length ?? 0) > 1 && path('track', [input.track as [number, number][]], [120, 220, 255, 230], 3),
    (input.backtest?.length ?? 0) > 0 &&
      new ScatterplotLayer<FenceEvent>({
        id: `${id}-backtest`,
        data: input.backtest ?? [],
        getPosition: (e) => [e.position.lon, e.position.lat],
        getFillColor: (e) => [...(EVENT_COLOURS[e.event_type] ?? [255, 255, 255]), 230],
        getLineColor: [0, 0, 0, 200],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        getRadius: 4,
        radiusUnits: 'pixels',
      }),
    (input.flashes?.length ?? 0) > 0 &&
      new ScatterplotLayer<Flash>({
        id: `${id}-events`,
        data: input.flashes ?? [],
        getPosition: (f) => [f.event.position.lon, f.event.position.lat],
        getFillColor: (f) => [...(EVENT_COLOURS[f.event.event_type] ?? [255, 255, 255]), Math.round(255 * (1 - (now - f.at) / FLASH_MS))],
        getRadius: (f) => 4 + 10 * ((now - f.at) / FLASH_MS),
        radiusUnits: 'pixels',
        updateTriggers: { getFillColor: now, getRadius: now },
      }),
  ];
  return layers.filter((l): l is Layer => l !== false);
}
