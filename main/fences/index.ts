/** Geofences: the embedded engine (Tile38's semantics, plus dwell and synthetic exits). */
export { FenceEngine, type Fix } from './fence-engine';
export { detectEvents, type Tile38Detect } from './detect';
export { circlePolygon, compileShape, rectangleRing, type Shape } from './geometry';
