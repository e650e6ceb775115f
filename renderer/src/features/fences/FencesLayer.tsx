import { PathLayer, PolygonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { useEffect, useRef } from 'react';
import type { Fence } from '../../../../shared/fence';
import type { FenceEvent } from '../../../../shared/fence-event';
import { getUi, setUi } from '../../app/ui-store';
import { useChannel } from '../../engine';
import { useMapHandle } from '../../map';
import { clearBacktest, useBacktest } from './backtest-run';
import { draftOf, getDraft, setDraft, useDraft } from './fence-draft';
import { EVENT_COLOURS } from './event-colours';
import { crossingEdges, fenceCentre, fencePolygons } from './fence-geometry';

const FENCE_LAYERS = 'fences';
/** How long an event's flash stays on the map. */
const FLASH_MS = 3000;
// White and grey stand apart from every heat colour; the fence being edited is yellow.
const STATE_COLOURS = {
  enabled: [255, 255, 255],
  disabled: [150, 158, 175],
  editing: [255, 214, 10],
} as const;

interface Shape {
  fence: Fence;
  polygon: [number, number][][];
}

/**
 * The fences on the map: each saved fence filled and outlined by its state (enabled, disabled, being
 * edited: the drawing shows it instead), its name at its centre; the edges of a draft that cross each
 * other in red; and each fence event flashing at its position for a few seconds.
 */
export function FencesLayer({ fences, theme }: { fences: readonly Fence[]; theme: 'dark' | 'light' }) {
  const { composer } = useMapHandle();
  const draft = useDraft();
  const backtest = useBacktest();
  const flashes = useRef<{ event: FenceEvent; at: number }[]>([]);
  const redraw = useRef<() => void>(() => {});

  useEffect(() => {
    let timer = 0;
    const build = () => {
      const now = performance.now();
      flashes.current = flashes.current.filter((f) => now - f.at < FLASH_MS);
      const shapes: Shape[] = fences.filter((f) => f.id !== draft?.id).flatMap((fence) => fencePolygons(fence.geometry).map((polygon) => ({ fence, polygon })));
      const colour = (f: Fence) => (f.enabled ? STATE_COLOURS.enabled : STATE_COLOURS.disabled);
      const text: [number, number, number, number] = theme === 'dark' ? [235, 240, 250, 255] : [20, 24, 32, 255];
      const halo: [number, number, number, number] = theme === 'dark' ? [11, 19, 34, 255] : [255, 255, 255, 255];
      const crossing = crossingEdges(draft?.geometry);
      composer.set(
        FENCE_LAYERS,
        [
          new PolygonLayer<Shape>({
            id: `${FENCE_LAYERS}-areas`,
            data: shapes,
            getPolygon: (s) => s.polygon,
            getFillColor: (s) => [...colour(s.fence), s.fence.enabled ? 28 : 14],
            getLineColor: (s) => [...colour(s.fence), 230],
            getLineWidth: 2.5,
            lineWidthUnits: 'pixels',
            stroked: true,
            pickable: true,
            updateTriggers: { getFillColor: fences, getLineColor: fences },
          }),
          new TextLayer<Fence>({
            id: `${FENCE_LAYERS}-names`,
            data: fences.filter((f) => f.id !== draft?.id),
            getText: (f) => f.name,
            getPosition: (f) => fenceCentre(f.geometry),
            getSize: 13,
            getColor: text,
            fontFamily: '"Noto Sans", sans-serif',
            characterSet: 'auto',
            fontSettings: { sdf: true, fontSize: 64, buffer: 8 },
            outlineWidth: 4,
            outlineColor: halo,
          }),
          // The draft's outline above the heat (terra-draw draws it, and its handles, under deck.gl's canvas).
          new PathLayer<[number, number][]>({
            id: `${FENCE_LAYERS}-draft`,
            data: draft?.geometry ? fencePolygons(draft.geometry).flat() : [],
            getPath: (p) => p,
            getColor: [...STATE_COLOURS.editing, 255],
            getWidth: 2,
            widthUnits: 'pixels',
          }),
          new PathLayer<[number, number][]>({
            id: `${FENCE_LAYERS}-ghost`,
            data: draft?.ghost ? fencePolygons(draft.ghost).flat() : [],
            getPath: (p) => p,
            getColor: [170, 200, 255, 200],
            getWidth: 3,
            widthUnits: 'pixels',
          }),
          new PathLayer<[number, number][]>({
            id: `${FENCE_LAYERS}-crossing`,
            data: crossing,
            getPath: (p) => p,
            getColor: [255, 40, 40, 255],
            getWidth: 5,
            widthUnits: 'pixels',
          }),
          // What the draft would have fired (its backtest), each event where it happened.
          new ScatterplotLayer<FenceEvent>({
            id: `${FENCE_LAYERS}-backtest`,
            data: draft ? (backtest.result?.first ?? []) : [],
            getPosition: (e) => [e.position.lon, e.position.lat],
            getFillColor: (e) => [...(EVENT_COLOURS[e.event_type] ?? [255, 255, 255]), 230],
            getLineColor: [0, 0, 0, 200],
            stroked: true,
            lineWidthUnits: 'pixels',
            getLineWidth: 1,
            getRadius: 4,
            radiusUnits: 'pixels',
          }),
          new ScatterplotLayer<{ event: FenceEvent; at: number }>({
            id: `${FENCE_LAYERS}-events`,
            data: flashes.current,
            getPosition: (f) => [f.event.position.lon, f.event.position.lat],
            getFillColor: (f) => [...(EVENT_COLOURS[f.event.event_type] ?? [255, 255, 255]), Math.round(255 * (1 - (now - f.at) / FLASH_MS))],
            getRadius: (f) => 4 + 10 * ((now - f.at) / FLASH_MS),
            radiusUnits: 'pixels',
            updateTriggers: { getFillColor: now, getRadius: now },
          }),
        ],
        5,
      );
      // Flashes fade: redraw while any is on the map.
      window.clearTimeout(timer);
      if (flashes.current.length) timer = window.setTimeout(build, 100);
    };
    redraw.current = build;
    build();
    return () => window.clearTimeout(timer);
  }, [composer, fences, draft, theme, backtest]);

  // A backtest belongs to its draft.
  useEffect(() => {
    if (!draft) clearBacktest();
  }, [draft === null]);

  useEffect(() => () => composer.set(FENCE_LAYERS, []), [composer]);

  // A click on a fence opens it for editing, unless a drawing is in progress.
  useEffect(
    () =>
      composer.handle(FENCE_LAYERS, {
        onClick: (info) => {
          const shape = info.object as Shape | undefined;
          if (!shape?.fence || getUi().drawing || getDraft()) return;
          setDraft(draftOf(shape.fence));
          setUi({ panel: 'fences', selection: { kind: 'fence', id: shape.fence.id } });
        },
      }),
    [composer],
  );

  useChannel('fence.event', ({ event }) => {
    // At most the last 2,000 flashes: a storm of events stays a storm of dots, not a growing list.
    if (flashes.current.length >= 2000) flashes.current.shift();
    flashes.current.push({ event, at: performance.now() });
    // Thousands a second must not mean thousands of redraws: the fade timer picks new ones up.
    if (flashes.current.length === 1) redraw.current();
  });

  return null;
}
