import { useMemo } from 'react';
import { useChannel, useRpc } from '../../engine';
import { receive } from './event-feed';
import { FenceDrawing } from './FenceDrawing';
import { fencePolygons } from './fence-geometry';
import { FencesLayer } from './FencesLayer';

/** The fences' part of the map, mounted whether or not the panel is open: the fences, the drawing, and the feed's collection. */
export function FencesMap({ theme }: { theme: 'dark' | 'light' }) {
  const { data: fences } = useRpc('fences.list', {});
  useChannel('fence.event', receive);
  // Vertices of the saved fences, for snapping a drawing onto them.
  const vertices = useMemo(() => (fences ?? []).flatMap((f) => fencePolygons(f.geometry).flatMap((p) => p.flat())), [fences]);
  return (
    <>
      <FencesLayer fences={fences ?? []} theme={theme} />
      <FenceDrawing snapTo={() => vertices} />
    </>
  );
}
