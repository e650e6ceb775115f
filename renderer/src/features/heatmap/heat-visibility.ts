import { useSyncExternalStore } from 'react';
import { useMapBeside } from '../../map';
import { HEATMAP_LAYERS } from './heatmap-controller';

const none = () => () => {};
const noRows = () => [] as const;

/** Whether the analyst has hidden the heatmap's layer in Layers (unticked, or faded to nothing), its name there, and how to show it again. */
export function useHeatLayerHidden(): { hidden: boolean; name: string; show: () => void } {
  const composer = useMapBeside()?.composer;
  const rows = useSyncExternalStore(composer?.subscribe ?? none, composer?.rows ?? noRows);
  const row = rows.find((r) => r.id === HEATMAP_LAYERS);
  return {
    hidden: row !== undefined && (!row.visible || row.opacity === 0),
    name: row?.name ?? 'Live heatmap',
    show: () => {
      if (!composer) return;
      composer.setVisible(HEATMAP_LAYERS, true);
      if (composer.setting(HEATMAP_LAYERS).opacity === 0) composer.setOpacity(HEATMAP_LAYERS, 1);
    },
  };
}
