import { useEffect, useMemo } from 'react';
import { exposeForTests, testHooksOn } from '../../app/test-hooks';
import { setUi } from '../../app/ui-store';
import { useChannel, useEngine, useRpc } from '../../engine';
import { useMapHandle } from '../../map';
import { receive, type FeedEntry } from './event-feed';
import { flash } from './event-flashes';
import { DrawHint } from './DrawHint';
import { FenceDrawing } from './FenceDrawing';
import { fencePolygons } from './fence-geometry';
import { openFenceFiles } from './gis-import';
import { GisPreviewLayer } from './GisPreviewLayer';
import { FencesLayer } from './FencesLayer';

/** A fence event from the engine: into the feed (and the rates), and flashed on the map. */
function onFenceEvent(entry: FeedEntry): void {
  receive(entry);
  flash(entry.event);
}

/** The fences' part of the map, mounted whether or not the panel is open: the fences, the drawing, and the feed's collection. */
export function FencesMap({ theme }: { theme: 'dark' | 'light' }) {
  const { data: fences } = useRpc('fences.list', {}, { refreshOn: ['fences.changed'] });
  const { client } = useEngine();
  const { map, composer } = useMapHandle();
  useChannel('fences.event', onFenceEvent);
  // The benchmark's drivers, in a chunk of their own that only a test harness loads.
  useEffect(() => {
    if (testHooksOn()) void import('./fences-bench-hooks').then(({ fencesBenchHooks }) => exposeForTests(fencesBenchHooks(map, composer, onFenceEvent)));
  }, [map, composer]);

  // Files dropped on the map: GeoJSON imported as fences, GIS files read for a preview.
  useEffect(() => {
    const el = map.getContainer();
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      const files = [...(e.dataTransfer?.files ?? [])];
      if (!files.length) return;
      e.preventDefault();
      setUi({ panel: 'fences' });
      openFenceFiles(client, files);
    };
    el.addEventListener('dragover', over);
    el.addEventListener('drop', drop);
    return () => {
      el.removeEventListener('dragover', over);
      el.removeEventListener('drop', drop);
    };
  }, [map, client]);
  // Vertices of the saved fences, for snapping a drawing onto them.
  const vertices = useMemo(() => (fences ?? []).flatMap((f) => fencePolygons(f.geometry).flatMap((p) => p.flat())), [fences]);
  return (
    <>
      <FencesLayer fences={fences ?? []} theme={theme} />
      <GisPreviewLayer theme={theme} />
      <FenceDrawing snapTo={() => vertices} />
      <DrawHint />
    </>
  );
}
