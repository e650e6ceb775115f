/** Geofences: the embedded engine (Tile38's semantics, plus dwell and synthetic exits). */
export { FenceEngine, type Fix } from './fence-engine';
export { detectEvents, type Tile38Detect } from './detect';
export { circlePolygon, compileShape, type Shape } from './geometry';
export { Tile38Adapter, type FenceDeployState, type Tile38Settings, type Tile38State } from './tile38-adapter';
export { eventOfMessage, fenceQuery, setCommand, tile38Detect } from './tile38-commands';
export { FenceRegistry, FenceValidationError, parseFence } from './fence-registry';
export { FenceService, type FenceServiceOptions, type FenceStatus, type IngestMark, type RoutedFenceEvent } from './fence-service';
export { backtest, type BacktestResult } from './backtest';
export { diffEvents, eventKey } from './backtest-diff';
export { fenceHandlers } from './fence-handlers';
export { tile38Settings } from './tile38-settings';
export { EVENTS_STREAM, Tile38EventIntake } from './tile38-event-intake';
export { catchUpFences } from './catch-up';
