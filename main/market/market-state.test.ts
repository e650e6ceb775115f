import { describe, expect, it } from 'vitest';
import { surgeMultiplier } from '../../shared/surge';
import { seededRandom } from '../simulator/walker';
import { MarketState } from './market-state';

describe('decay', () => {
  it('equals the reference arithmetic — count at once, then int(value × 0.95) and int(value × 0.90) at each tick', () => {
    const random = seededRandom(7);
    const market = new MarketState();
    // The reference state machine written out plainly: a supply and a demand counter per cell, truncated at each tick.
    let supply = 0;
    let demand = 0;
    for (let t = 0; t < 300; t++) {
      const devices = Math.floor(random() * 40);
      const requests = Math.floor(random() * 60);
      for (let d = 0; d < devices; d++) market.addSupply(`car-${t}-${d}`, 1);
      for (let r = 0; r < requests; r++) market.addDemand(1);
      supply += devices;
      demand += requests;
      const now = market.get(1);
      expect([now?.supply ?? 0, now?.demand ?? 0]).toEqual([supply, demand]);
      market.tick();
      supply = Math.max(0, Math.trunc(supply * 0.95));
      demand = Math.max(0, Math.trunc(demand * 0.9));
      const after = market.get(1);
      expect([after?.supply ?? 0, after?.demand ?? 0], `tick ${t}`).toEqual([supply, demand]);
    }
  });

  it('takes other decays per tick, and lets a cell go when it holds nothing', () => {
    const market = new MarketState({ supply: 0.5, demand: 0.5 });
    market.addSupply('a', 9);
    market.addDemand(9, '', 3);
    market.tick();
    expect(market.get(9)).toMatchObject({ supply: 0, demand: 1 }); // int(0.5), int(1.5)
    market.tick();
    expect(market.get(9)).toBeUndefined();
    expect(market.size).toBe(0);
  });
});

describe('supply', () => {
  it('counts a device once per tick in the cell it was last seen in, however often it reports', () => {
    const market = new MarketState();
    for (let i = 0; i < 10; i++) market.addSupply('car-1', 100);
    market.addSupply('car-2', 100);
    expect(market.get(100)!.supply).toBe(2);
    // car-1 drives on to cell 200 within the same tick: it is supply there now, not in both.
    market.addSupply('car-1', 200);
    expect([market.get(100)!.supply, market.get(200)!.supply]).toEqual([1, 1]);
    market.addSupply('car-1', 100);
    expect([market.get(100)!.supply, market.get(200)?.supply ?? 0]).toEqual([2, 0]);
    market.tick(); // int(2 × 0.95) = 1
    expect(market.get(100)!.supply).toBe(1);
    expect(market.get(200)).toBeUndefined();
    // A new tick counts the same device again.
    market.addSupply('car-1', 100);
    expect(market.get(100)!.supply).toBe(2);
  });

  it('breaks supply and demand down per kind, each decayed on its own, beside the cell’s own totals', () => {
    const market = new MarketState();
    for (let i = 0; i < 3; i++) market.addSupply(`xl-${i}`, 5, 'xl');
    market.addSupply('std-0', 5, 'standard');
    market.addDemand(5, 'xl', 7);
    market.addDemand(5, '', 2);
    const cell = market.get(5)!;
    expect(cell).toMatchObject({ supply: 4, demand: 9, surge: surgeMultiplier(4, 9) });
    expect(cell.kinds).toEqual({
      xl: { supply: 3, demand: 7, surge: surgeMultiplier(3, 7), ratio: 3 / 7 },
      standard: { supply: 1, demand: 0, surge: 1, ratio: 1 },
    });
    // A device that changes kind moves its unit with it.
    market.addSupply('std-0', 5, 'xl');
    expect(market.get(5)!.kinds.xl.supply).toBe(4);
    expect(market.get(5)!.kinds.standard).toBeUndefined();
    market.tick();
    expect(market.get(5)!.kinds).toEqual({ xl: { supply: 3, demand: 6, surge: surgeMultiplier(3, 6), ratio: 0.5 } });
  });
});

describe('the surge of a cell', () => {
  it('follows its supply and demand now, and after a tick, the decayed ones', () => {
    const market = new MarketState();
    for (let i = 0; i < 10; i++) market.addSupply(`car-${i}`, 1);
    market.addDemand(1, '', 20);
    expect(market.get(1)).toMatchObject({ supply: 10, demand: 20, surge: 2, ratio: 0.5 });
    market.tick(); // supply 9, demand 18: ratio 2
    expect(market.get(1)!.surge).toBeCloseTo(2, 12);
    market.tick(); // 8 and 16
    expect(market.get(1)).toMatchObject({ supply: 8, demand: 16 });
    const only = new MarketState();
    only.addDemand(3);
    expect(only.get(3)!.surge).toBe(5);
  });
});

describe('a snapshot', () => {
  it('keeps what past ticks left, and a state restored from it goes on as the first would', () => {
    const a = new MarketState();
    for (let i = 0; i < 30; i++) a.addSupply(`car-${i}`, i % 3, i % 2 ? 'xl' : '');
    a.addDemand(0, 'xl', 40);
    a.addDemand(1, '', 9);
    a.tick();
    const b = new MarketState();
    b.restore(a.bases());
    for (const m of [a, b]) {
      m.addDemand(2, 'xl', 5);
      m.addSupply('late', 2);
      m.tick();
    }
    for (const key of [0, 1, 2]) expect(b.get(key)).toEqual(a.get(key));
    expect(b.size).toBe(a.size);
  });
});

describe('a cell left with nothing', () => {
  it('is gone at once, not kept at 0 supply and 0 demand (whose surge would read 5)', () => {
    const market = new MarketState();
    market.addSupply('car', 1, 'xl');
    market.addSupply('car', 2, 'xl');
    expect(market.get(1)).toBeUndefined();
    expect(market.size).toBe(1);
    const seen: number[] = [];
    market.forEach((key) => seen.push(key));
    expect(seen).toEqual([2]);
  });
});
