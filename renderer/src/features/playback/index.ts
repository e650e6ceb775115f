/** Playback: the archive on the heatmap at a moment, with its time bar. */
export { Playback } from './Playback';
export { startAt } from './playback-clock';
import './playback.css'; // after the exports: it follows the ui/ and map/ sheets they import
