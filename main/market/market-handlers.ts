import type { Handlers } from '../rpc';
import type { MarketService } from './market-service';

/** `market.cells`, `market.cell` and `market.metrics`: what the map's panel and the status bar ask of the market. */
export function marketHandlers<C>(need: () => MarketService): Pick<Handlers<C>, 'market.cells' | 'market.cell' | 'market.metrics'> {
  return {
    'market.cells': ({ bounds, limit }) => need().cells({ bounds, limit }),
    'market.cell': ({ hex }) => need().cellDetail(hex),
    'market.metrics': () => need().metrics(),
  };
}
