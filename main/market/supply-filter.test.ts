import { describe, expect, it } from 'vitest';
import { supplyFilter } from './supply-filter';

describe('what counts as supply', () => {
  it('by default, every position but a "demand" one and one that says it is not available', () => {
    const isSupply = supplyFilter([]);
    expect(isSupply(null, null)).toBe(true);
    expect(isSupply('xl', null)).toBe(true);
    expect(isSupply('supply', '{"available":true}')).toBe(true);
    expect(isSupply('demand', null)).toBe(false);
    expect(isSupply('xl', '{"available":false,"shift":"night"}')).toBe(false);
    expect(isSupply('xl', '{"note":"\\"available\\" later"}')).toBe(true);
  });

  it('with kinds named, only those kinds', () => {
    const isSupply = supplyFilter(['taxi', 'xl']);
    expect([isSupply('taxi', null), isSupply('xl', null), isSupply('bus', null), isSupply(null, null)]).toEqual([true, true, false, false]);
    expect(isSupply('taxi', '{"available": false}')).toBe(false);
  });
});
