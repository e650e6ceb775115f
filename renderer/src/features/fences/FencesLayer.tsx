import { useEffect } from 'react';
import type { Fence } from '../../../../shared/fence';
import { getUi, selectedFence, setUi, useUi } from '../../app/ui-store';
import { useJob } from '../../engine';
import { useMapHandle } from '../../map';
import { BACKTEST_JOB, clearBacktest, useBacktestExtras } from './backtest-run';
import { liveFlashes, onFirstFlash } from './event-flashes';
import { draftOf, getDraft, setDraft, useDraft } from './fence-draft';
import { FENCE_LAYERS, fenceLayers, type FenceShape } from './fence-layers';

/** The fences' layers in the composer (fence-layers.ts), redrawn while events flash; a click on a fence opens it for editing. */
export function FencesLayer({ fences, theme }: { fences: readonly Fence[]; theme: 'dark' | 'light' }) {
  const { composer } = useMapHandle();
  const draft = useDraft();
  const backtest = useJob('fences.backtest', BACKTEST_JOB).result;
  const { track: backtestTrack } = useBacktestExtras();
  const selected = useUi(selectedFence);

  useEffect(() => {
    let timer = 0;
    const build = () => {
      const now = performance.now();
      const flashes = liveFlashes(now);
      const track = draft ? backtestTrack?.points.map((p) => [p.lon, p.lat] as [number, number]) : undefined;
      composer.set(FENCE_LAYERS, 'fences', fenceLayers({ fences, theme, draft, backtest: draft ? backtest?.first : [], track, selected, flashes, now }));
      // Flashes fade: redraw ten times a second while any is on the map.
      window.clearTimeout(timer);
      if (flashes.length) timer = window.setTimeout(build, 100);
    };
    build();
    const off = onFirstFlash(build);
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, [composer, fences, draft, theme, backtest, backtestTrack, selected]);

  useEffect(() => () => composer.set(FENCE_LAYERS, 'fences', []), [composer]);

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
