/**
 * The surge multiplier of a cell from its supply and demand: the pricing curve of the supply/demand
 * system hexwatch implements, kept exactly (5.0 with no supply; 1.0 up to a demand/supply ratio of 0.5,
 * then rising in four straight pieces to 2.0 at a ratio of 2, and half a point per ratio point after,
 * capped at 5.0). Pure, shared: the engine alerts on it and the map colours by it.
 */
export const SURGE_MAX = 5;

export function surgeMultiplier(supply: number, demand: number): number {
  if (supply === 0) return SURGE_MAX;
  const ratio = demand / supply;
  if (ratio <= 0.5) return 1.0;
  if (ratio <= 1.0) return 1.0 + (ratio - 0.5) * 0.4;
  if (ratio <= 1.5) return 1.2 + (ratio - 1.0) * 0.6;
  if (ratio <= 2.0) return 1.5 + (ratio - 1.5) * 1.0;
  return Math.min(2.0 + (ratio - 2.0) * 0.5, SURGE_MAX);
}

/** Supply per unit of demand, as the system reports it beside the multiplier (demand floored at 1). */
export function supplyDemandRatio(supply: number, demand: number): number {
  return supply / Math.max(demand, 1);
}
