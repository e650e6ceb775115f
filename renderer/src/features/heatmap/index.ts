/** The live H3 heatmap: its map part (layer, tooltip, legend, commands) and its panel. */
export { HeatmapMap } from './HeatmapMap';
export { HeatmapPanel } from './HeatmapPanel';
export { useHeatmapStats } from './heatmap-stats';
