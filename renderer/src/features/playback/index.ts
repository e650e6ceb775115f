/** Playback: the archive on the heatmap at a moment, with its time bar and its commands. */
export { Playback } from './Playback';
export { playbackCommands, startPlayback } from './playback-commands';
