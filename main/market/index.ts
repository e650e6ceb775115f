/**
 * Supply, demand and surge per cell (the market): the pure state and its decay (market-state.ts), the
 * crossings of the surge threshold (surge-watch.ts) said on `market.changed` and as surge alerts
 * (surge-alerts.ts), what counts as supply (supply-filter.ts), the demand stream read exactly once
 * (demand-intake.ts, demand-decode.ts, market-journal.ts), frames for the map (market-frame.ts), and the
 * service that drives them (market-service.ts).
 */
export { MarketService, type MarketServiceOptions } from './market-service';
export { marketFrameLayer, openMarketRoom } from './market-room';
export { marketHandlers } from './market-handlers';
export { MarketTimeline } from './market-timeline';
export { MarketState, type CellFigures, type MarketBases } from './market-state';
export { type SurgeCrossing } from './surge-watch';
export { type MarketChange } from './surge-alerts';
export { decodeDemand } from './demand-decode';
