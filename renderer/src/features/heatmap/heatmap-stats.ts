import { createStore } from '../../app/store';
import type { LayerStats } from './heatmap-controller';

// The last frame's figures (cells, resolution, max…), for the legend, the panel and the status bar.
const store = createStore<LayerStats>({
  cells: 0,
  resolution: 0,
  frames: 0,
  deltas: 0,
  lastApplyMs: 0,
  max: 0,
  windowMs: 0,
  windowEnd: 0,
  ticks: [],
  layer: 'live',
});
export const publishHeatmapStats = store.set;
export const useHeatmapStats = store.use;
