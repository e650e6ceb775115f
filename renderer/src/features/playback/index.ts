/** Playback: the archive on the heatmap at a moment, with its time bar and its commands. */
export { Playback } from './Playback';
export { startAt } from './playback-clock';
export { playbackCommands, startPlayback } from './playback-commands';
import './playback.css'; // after the exports: it follows the ui/ and map/ sheets they import
