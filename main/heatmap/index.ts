export { LiveAggregator, viewTest, type AggregatorOptions, type FrameRequest } from './aggregator';
export { indexPosition, prepareIndex } from './h3-index';
export { RateMeter } from './rate-meter';
export { heatmapSink } from './heatmap-sink';
export { heatmapHandlers, startFrames, type FrameLayer, type HeatmapClient } from './heatmap-handlers';
export { frameDelta } from './frame-delta';
export { FrameStreams, FULL_FRAME_EVERY_MS, type HeldFrame, type ViewTick } from './frame-streams';
