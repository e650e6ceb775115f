/** Playback: the archive on the heatmap at a moment, with its time bar. */
export { Playback } from './Playback';
export { startAt } from './playback-clock';
