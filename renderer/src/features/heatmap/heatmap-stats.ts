import { useSyncExternalStore } from 'react';
import type { LayerStats } from './heatmap-controller';

// The last frame's figures (cells, resolution, max…), for the legend, the panel and the status bar.
let stats: LayerStats = { cells: 0, resolution: 0, frames: 0, lastApplyMs: 0, max: 0, windowMs: 0, ticks: [] };
const listeners = new Set<() => void>();

export function publishHeatmapStats(next: LayerStats): void {
  stats = next;
  for (const l of listeners) l();
}

export function useHeatmapStats(): LayerStats {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => stats,
  );
}
