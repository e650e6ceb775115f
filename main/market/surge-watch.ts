import { surgeMultiplier } from '../../shared/surge';
import type { MarketState } from './market-state';

/** A cell whose surge went over the threshold (`rising`) or back under it. */
export interface SurgeCrossing {
  key: number;
  rising: boolean;
  surge: number;
  supply: number;
  demand: number;
}

/**
 * Which cells are surging (at or over the threshold), tick after tick: `update` says which crossed since
 * the last look, either way. A cell that holds nothing any more has fallen back.
 */
export class SurgeWatch {
  private surging = new Set<number>();

  constructor(readonly threshold: number) {}

  update(state: MarketState): SurgeCrossing[] {
    const crossings: SurgeCrossing[] = [];
    const now = new Set<number>();
    state.forEach((key, supply, demand) => {
      const surge = surgeMultiplier(supply, demand);
      if (surge < this.threshold) {
        if (this.surging.has(key)) crossings.push({ key, rising: false, surge, supply, demand });
        return;
      }
      now.add(key);
      if (!this.surging.has(key)) crossings.push({ key, rising: true, surge, supply, demand });
    });
    for (const key of this.surging) if (!now.has(key) && state.get(key) === undefined) crossings.push({ key, rising: false, surge: 1, supply: 0, demand: 0 });
    this.surging = now;
    return crossings;
  }

  /** Cells surging as of the last update. */
  get count(): number {
    return this.surging.size;
  }
}
