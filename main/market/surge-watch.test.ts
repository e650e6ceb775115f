import { describe, expect, it } from 'vitest';
import { MarketState } from './market-state';
import { SurgeWatch } from './surge-watch';

describe('surge crossings', () => {
  it('says when a cell goes over the threshold and when it falls back, once each', () => {
    const market = new MarketState();
    const watch = new SurgeWatch(1.5);
    for (let i = 0; i < 10; i++) market.addSupply(`car-${i}`, 7);
    market.addDemand(7, '', 10); // ratio 1: surge 1.2
    expect(watch.update(market)).toEqual([]);
    market.addDemand(7, '', 6); // ratio 1.6: surge 1.6
    expect(watch.update(market)).toEqual([{ key: 7, rising: true, surge: expect.closeTo(1.6, 9), supply: 10, demand: 16 }]);
    expect(watch.update(market)).toEqual([]);
    expect(watch.count).toBe(1);
    for (let i = 10; i < 20; i++) market.addSupply(`car-${i}`, 7); // ratio 0.8: surge 1.12
    expect(watch.update(market)).toEqual([{ key: 7, rising: false, surge: expect.closeTo(1.12, 9), supply: 20, demand: 16 }]);
  });

  it('takes a cell that decayed to nothing as fallen back', () => {
    const market = new MarketState({ supply: 0.1, demand: 0.1 });
    market.addDemand(3, '', 5); // no supply: surge 5
    const watch = new SurgeWatch(2);
    expect(watch.update(market).map((c) => [c.key, c.rising])).toEqual([[3, true]]);
    market.tick(); // int(0.5) = 0: the cell is gone
    expect(watch.update(market)).toEqual([{ key: 3, rising: false, surge: 1, supply: 0, demand: 0 }]);
  });
});
