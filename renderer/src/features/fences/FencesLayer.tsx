import { useEffect } from 'react';
import type { Fence } from '../../../../shared/fence';
import { getUi, selectedFence, setUi, useUi } from '../../app/ui-store';
import { useJob } from '../../engine';
import { outlineLayers, useMapHandle } from '../../map';
import { BACKTEST_JOB, clearBacktest, useBacktestExtras } from './backtest-run';
import { liveFlashes, onFirstFlash } from './event-flashes';
import { draftOf, getDraft, setDraft, useDraft } from './fence-draft';
import { fencePolygons } from './fence-geometry';
import {
  BACKTEST_LAYERS,
  backtestLayers,
  backtestLegend,
  EVENT_LAYERS,
  EVENT_LEGEND,
  eventLayers,
  FENCE_LAYERS,
  fenceLayers,
  fenceLegend,
  stateColours,
  type FenceShape,
} from './fence-layers';

const SELECTED_LAYERS = 'selected-fence';

/**
 * The fences' layers in the composer (fence-layers.ts), each a row of the Layers list: the fences with the
 * draft; a backtest of the draft; the live events, redrawn while they flash; and the selected fence's
 * outline over everything but place names. A click on a fence opens it for editing.
 */
export function FencesLayer({ fences, theme }: { fences: readonly Fence[]; theme: 'dark' | 'light' }) {
  const { composer } = useMapHandle();
  const draft = useDraft();
  const backtest = useJob('fences.backtest', BACKTEST_JOB).result;
  const { track: backtestTrack } = useBacktestExtras();
  const selected = useUi(selectedFence);

  useEffect(() => {
    // Legends only where there is something to read them against.
    const legend = fences.length > 0 || draft ? fenceLegend(theme, Boolean(draft)) : undefined;
    composer.set(FENCE_LAYERS, 'fences', fenceLayers({ fences, theme, draft }), { name: 'Fences', kind: 'fences', legend });
  }, [composer, fences, draft, theme]);

  // A backtest belongs to its draft: listed while there is one to show.
  useEffect(() => {
    const events = draft ? (backtest?.first ?? []) : [];
    const track = draft ? backtestTrack?.points.map((p) => [p.lon, p.lat] as [number, number]) : undefined;
    // An edit that changes nothing fires the same events: they are drawn as a backtest's, not as an empty difference.
    const changed = backtest?.difference && backtest.difference.gained.events + backtest.difference.lost.events > 0;
    const difference = draft && changed ? backtest.difference : undefined;
    const changes = difference ? { gained: difference.gained.first, lost: difference.lost.first } : undefined;
    if (events.length === 0 && (track?.length ?? 0) < 2 && !changes?.gained.length && !changes?.lost.length) return composer.remove(BACKTEST_LAYERS);
    composer.set(BACKTEST_LAYERS, 'fences', backtestLayers(events, track, BACKTEST_LAYERS, changes), {
      name: difference ? 'Backtest difference' : 'Backtest',
      kind: 'backtest',
      legend: backtestLegend(
        events,
        draft ? (backtest?.events ?? 0) : 0,
        (track?.length ?? 0) > 1,
        difference && { gained: difference.gained.events, lost: difference.lost.events },
      ),
    });
  }, [composer, draft, backtest, backtestTrack]);

  // The fence selected (from the list or the feed), unless it is the one being edited: outlined in the accent colour over a halo.
  useEffect(() => {
    const fence = selected !== undefined && selected !== draft?.id ? fences.find((f) => f.id === selected) : undefined;
    if (!fence) return composer.remove(SELECTED_LAYERS);
    const colour = [...stateColours(theme).selected, 255] as const;
    // No legend: the fence's form or list says which it is.
    composer.set(SELECTED_LAYERS, 'selection', outlineLayers(SELECTED_LAYERS, fencePolygons(fence.geometry).flat(), theme, { colour }), {
      name: 'Selected fence',
      kind: 'selection',
    });
  }, [composer, fences, selected, draft?.id, theme]);

  // Flashes fade: redrawn ten times a second while any is on the map. Events come from fences: no fences, no legend.
  // While the archive plays back the map shows the past: today's events would mix in unlabelled, so they wait.
  const anyFences = fences.length > 0;
  const playingBack = useUi((s) => s.playback !== null);
  useEffect(() => {
    if (playingBack) {
      composer.set(EVENT_LAYERS, 'fences', [], { name: 'Live events (paused while playing back)', kind: 'events' });
      return;
    }
    let timer = 0;
    const build = () => {
      const now = performance.now();
      const flashes = liveFlashes(now);
      composer.set(EVENT_LAYERS, 'fences', eventLayers(flashes, now), { name: 'Live events', kind: 'events', legend: anyFences ? EVENT_LEGEND : undefined });
      window.clearTimeout(timer);
      if (flashes.length) timer = window.setTimeout(build, 100);
    };
    build();
    const off = onFirstFlash(build);
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, [composer, anyFences, playingBack]);

  useEffect(
    () => () => {
      for (const id of [FENCE_LAYERS, BACKTEST_LAYERS, EVENT_LAYERS, SELECTED_LAYERS]) composer.remove(id);
    },
    [composer],
  );

  // A backtest belongs to its draft.
  useEffect(() => {
    if (!draft) clearBacktest();
  }, [draft === null]);

  // A click on a fence opens it for editing, unless a drawing is in progress.
  useEffect(
    () =>
      composer.handle(FENCE_LAYERS, {
        onClick: (info) => {
          const fence = (info.object as FenceShape | undefined)?.properties.fence;
          if (!fence || getUi().drawing || getDraft()) return;
          setDraft(draftOf(fence));
          setUi({ panel: 'fences', selection: { kind: 'fence', id: fence.id } });
        },
      }),
    [composer],
  );

  return null;
}
