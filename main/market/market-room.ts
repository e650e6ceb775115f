import type { Config } from '../config';
import type { FrameLayer } from '../heatmap';
import { optionalRoom, roomOff, type OptionalRoom } from '../rpc';
import { MarketService, type MarketServiceOptions } from './market-service';

/**
 * The market as the engine opens it: off when `market.enabled` is, reading its demand stream with NATS
 * (else the simulator hands it requests), and closed with why when its file is damaged.
 */
export function openMarketRoom(
  config: Pick<Config, 'market' | 'nats'>,
  useNats: boolean,
  options: Omit<MarketServiceOptions, 'settings' | 'nats'>,
): OptionalRoom<MarketService> {
  if (!config.market.enabled) return roomOff<MarketService>('the market is off (market.enabled)');
  const log = options.log ?? (() => {});
  return optionalRoom('the market', () => new MarketService({ ...options, settings: config.market, nats: useNats ? config.nats : undefined }), log);
}

/** The market's frames for views that colour by supply, demand, ratio or surge (none while the market is closed). */
export const marketFrameLayer =
  (room: () => MarketService | undefined, config: Pick<Config, 'market' | 'live'>): FrameLayer =>
  (viewport, resolution, now) =>
    room()?.frames.build(viewport.bounds, resolution, now, config.market.tickS * 1000, config.live.maxFrameCells);
