import { cellToBoundary } from 'h3-js';
import { useEffect } from 'react';
import { useUi } from '../../app/ui-store';
import { outlineLayers, useMapHandle } from '../../map';

const PINNED_LAYERS = 'pinned';

/** The pinned cell (or the market cell picked) outlined on the map, over the heat, in the theme's selection colours. */
export function PinnedOutline({ hex, name }: { hex: string; name: string }) {
  const { composer } = useMapHandle();
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    let ring: [number, number][];
    try {
      ring = cellToBoundary(hex, true) as [number, number][];
    } catch {
      return; // not a cell: nothing to outline
    }
    // No legend: its card says which cell it is.
    composer.set(PINNED_LAYERS, 'selection', outlineLayers(PINNED_LAYERS, [ring], theme), { name, kind: 'selection' });
  }, [composer, hex, name, theme]);
  useEffect(() => () => composer.remove(PINNED_LAYERS), [composer]);
  return null;
}
