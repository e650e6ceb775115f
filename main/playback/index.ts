/** Playback: the archive's positions as heatmap frames at a moment, built in the notebook process. */
export { playbackFrame, playbackRange, type PlaybackFrameRequest } from './playback-frame';
export { PlaybackFrames, FrameCancelledError } from './playback-frames';
export { playbackHandlers, type PlaybackSource } from './playback-handlers';
