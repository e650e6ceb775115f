import type { Layer } from '@deck.gl/core';
import { GeoJsonLayer, PathLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Fence, FenceGeometry } from '../../../../shared/fence';
import type { FenceEvent } from '../../../../shared/fence-event';
import { glyphsFor, type LegendSpec } from '../../map';
import { EVENT_COLOURS } from './event-colours';
import { crossingEdges, fenceCentre, fencePolygons } from './fence-geometry';

export const FENCE_LAYERS = 'fences';
/** A backtest's events and the device's track through the draft; the live events flashing: layers of their own, each with its row. */
export const BACKTEST_LAYERS = 'backtest';
export const EVENT_LAYERS = 'events';
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
 * the draft's outline, an older version as a ghost, the draft's crossing edges in red.
 */
export function fenceLayers(input: FenceLayerInput): Layer[] {
  const { fences, theme, draft, id = FENCE_LAYERS } = input;
  const { saved, collection } = shapesOf(fences, draft?.id);
  const colours = stateColours(theme);
  const colour = (f: Fence) => (f.enabled ? colours.enabled : colours.disabled);
  const text: [number, number, number, number] = theme === 'dark' ? [235, 240, 250, 255] : [20, 24, 32, 255];
  const halo: [number, number, number, number] = theme === 'dark' ? [11, 19, 34, 255] : [255, 255, 255, 255];
  const path = (suffix: string, data: [number, number][][], color: [number, number, number, number], width: number) =>
    new PathLayer<[number, number][]>({ id: `${id}-${suffix}`, data, getPath: (p) => p, getColor: color, getWidth: width, widthUnits: 'pixels' });
  const crossing = crossingEdges(draft?.geometry);
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
  ];
  return layers.filter((l): l is Layer => l !== false);
}

/** The fences' row and legend: what their colours say, and the draft's while one is drawn. */
export function fenceLegend(theme: 'dark' | 'light', drafting: boolean): LegendSpec {
  const c = stateColours(theme);
  const swatch = (label: string, [r, g, b]: Rgb, mark: 'outline' | 'line') => ({ label, colour: [r, g, b, 255] as const, mark });
  return {
    swatches: [
      swatch('enabled', c.enabled, 'outline'),
      swatch('disabled', c.disabled, 'outline'),
      ...(drafting ? [swatch('being drawn', c.editing, 'line'), swatch('edges that cross', c.invalid, 'line')] : []),
    ],
  };
}

/** The track through the draft of a device a backtest names. */
const TRACK_COLOUR: [number, number, number, number] = [120, 220, 255, 230];

/** An edit's difference from the saved fence: apart from every event type's colour and the track's, and from each other in both themes. */
export const DIFFERENCE_COLOURS = { gained: [0, 214, 200, 255], lost: [236, 64, 200, 255] } as const;

/** Events gained and lost by an edit: the events its backtest lists give way to these two sets. */
export interface DifferenceEvents {
  gained: readonly FenceEvent[];
  lost: readonly FenceEvent[];
}

/**
 * What a backtest of the draft would have fired, where, and a device's track over its range ([lon, lat] in
 * time order); for an edit of a saved fence, the events it gains and loses instead of all it fires.
 */
export function backtestLayers(
  events: readonly FenceEvent[],
  track: readonly [number, number][] | undefined,
  id = BACKTEST_LAYERS,
  difference?: DifferenceEvents,
): Layer[] {
  const changed = (change: keyof DifferenceEvents) =>
    difference !== undefined &&
    difference[change].length > 0 &&
    new ScatterplotLayer<FenceEvent>({
      id: `${id}-${change}`,
      data: difference[change] as FenceEvent[],
      getPosition: (e) => [e.position.lon, e.position.lat],
      getFillColor: DIFFERENCE_COLOURS[change] as unknown as [number, number, number, number],
      getLineColor: [0, 0, 0, 220],
      stroked: true,
      lineWidthUnits: 'pixels',
      getLineWidth: 1.5,
      getRadius: 5,
      radiusUnits: 'pixels',
    });
  const layers: (Layer | false)[] = [
    (track?.length ?? 0) > 1 &&
      new PathLayer<[number, number][]>({
        id: `${id}-track`,
        data: [track as [number, number][]],
        getPath: (p) => p,
        getColor: TRACK_COLOUR,
        getWidth: 3,
        widthUnits: 'pixels',
      }),
    changed('lost'),
    changed('gained'),
    !difference &&
      events.length > 0 &&
      new ScatterplotLayer<FenceEvent>({
        id: `${id}-points`,
        data: events,
        getPosition: (e) => [e.position.lon, e.position.lat],
        getFillColor: (e) => [...(EVENT_COLOURS[e.event_type] ?? [255, 255, 255]), 230],
        getLineColor: [0, 0, 0, 200],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
        getRadius: 4,
        radiusUnits: 'pixels',
      }),
  ];
  return layers.filter((l): l is Layer => l !== false);
}

/** The event types as the feed, the backtest and the flashes colour them (those in `types` only, when given). */
function eventSwatches(types?: ReadonlySet<string>): LegendSpec['swatches'] {
  return Object.entries(EVENT_COLOURS)
    .filter(([type]) => !types || types.has(type))
    .map(([type, rgb]) => ({ label: type, colour: [...rgb, 255] as const, mark: 'dot' as const }));
}

/** The backtest's legend; `fired` is how many events it found, of which `events` (the first ones) are drawn. */
export function backtestLegend(events: readonly FenceEvent[], fired: number, track: boolean, difference?: { gained: number; lost: number }): LegendSpec {
  const line = track ? [{ label: 'device track', colour: TRACK_COLOUR, mark: 'line' as const }] : [];
  if (difference)
    return {
      subtitle: `the edit against the saved fence: ${difference.gained.toLocaleString()} gained, ${difference.lost.toLocaleString()} lost`,
      swatches: [
        { label: 'gained (only the edit fires)', colour: DIFFERENCE_COLOURS.gained, mark: 'dot' as const },
        { label: 'lost (only the saved fence fires)', colour: DIFFERENCE_COLOURS.lost, mark: 'dot' as const },
        ...line,
      ],
    };
  return {
    subtitle:
      fired > events.length
        ? `the first ${events.length.toLocaleString()} of ${fired.toLocaleString()} events the draft would have fired`
        : `${fired.toLocaleString()} event${fired === 1 ? '' : 's'} the draft would have fired`,
    swatches: [
      ...(eventSwatches(new Set(events.map((e) => e.event_type))) ?? []),
      ...(track ? [{ label: 'device track', colour: TRACK_COLOUR, mark: 'line' as const }] : []),
    ],
  };
}

/** Each live event flashing where it happened, fading over FLASH_MS. */
export function eventLayers(flashes: readonly Flash[], now: number, id = EVENT_LAYERS): Layer[] {
  if (flashes.length === 0) return [];
  return [
    new ScatterplotLayer<Flash>({
      id: `${id}-flashes`,
      data: flashes,
      getPosition: (f) => [f.event.position.lon, f.event.position.lat],
      getFillColor: (f) => [...(EVENT_COLOURS[f.event.event_type] ?? [255, 255, 255]), Math.round(255 * (1 - (now - f.at) / FLASH_MS))],
      getRadius: (f) => 4 + 10 * ((now - f.at) / FLASH_MS),
      radiusUnits: 'pixels',
      updateTriggers: { getFillColor: now, getRadius: now },
    }),
  ];
}

export const EVENT_LEGEND: LegendSpec = { subtitle: `as they fire, fading over ${FLASH_MS / 1000} s`, swatches: eventSwatches() };
