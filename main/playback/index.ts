/** Playback: the archive's positions as heatmap frames at a moment, built on the notebook thread. */
export { playbackFrame, playbackRange, type PlaybackFrameRequest } from './playback-frame';
export { playbackHandlers, type PlaybackSource } from './playback-handlers';
