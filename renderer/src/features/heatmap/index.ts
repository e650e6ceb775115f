/** The live H3 heatmap: its map part (layer, tooltip, legend), its panel and its commands. */
export { HeatmapMap } from './HeatmapMap';
export { HeatmapPanel } from './HeatmapPanel';
export { useHeatmapStats } from './heatmap-stats';
export { heatmapCommands } from './heatmap-commands';
import './heatmap.css'; // after the exports: it follows the ui/ and map/ sheets they import
