/** The live H3 heatmap: its map part (layer, tooltip, legend, commands) and its panel. */
export { HeatmapMap } from './HeatmapMap';
export { HeatmapPanel } from './HeatmapPanel';
export { useHeatmapStats } from './heatmap-stats';
import './heatmap.css'; // after the exports: it follows the ui/ and map/ sheets they import
