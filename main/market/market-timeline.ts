import type { DemandEvent } from '../../shared/demand';
import { cellKey, cellParent } from '../../shared/h3-cell';
import type { MarketSnapshot } from '../archive';
import type { Config } from '../config';
import { indexPosition } from '../heatmap';
import type { PositionBatch } from '../history';
import { MarketState } from './market-state';
import { supplyFilter } from './supply-filter';

const MINUTE_MS = 60_000;

/**
 * Accepted positions counted as supply, as the market counts them: the available ones, each in its cell
 * at the market's resolution (the parent of its resolution-15 cell), by kind ("supply" names the role,
 * not a kind of vehicle: such devices are counted, not broken down). Returns how many counted.
 */
export function countSupply(
  state: MarketState,
  rows: PositionBatch,
  resolution: number,
  isSupply: (kind: string | null, props: string | null) => boolean,
  cell = new Uint32Array(2),
  from = 0,
  to = rows.length,
): number {
  let counted = 0;
  for (let i = from; i < to; i++) {
    const kind = rows.kind[i] ?? null;
    if (!isSupply(kind, rows.props[i] ?? null)) continue;
    cellParent(rows.h3hi[i], rows.h3lo[i], resolution, cell);
    state.addSupply(rows.id[i], cellKey(cell[0], cell[1]), kind === null || kind === 'supply' ? '' : kind);
    counted++;
  }
  return counted;
}

/** Requests counted as demand in their cells at the market's resolution. */
export function countDemand(state: MarketState, events: readonly DemandEvent[], resolution: number, cell = new Uint32Array(2)): void {
  for (const e of events) {
    indexPosition(e.lat, e.lon, cell);
    cellParent(cell[0], cell[1], resolution, cell);
    state.addDemand(cellKey(cell[0], cell[1]), e.kind ?? '');
  }
}

/** The market at `at` as the archive keeps it: every cell holding anything (sorted by key), and the kinds as they stand. */
export function marketSnapshot(state: MarketState, at: number, resolution: number): MarketSnapshot {
  const entries: [number, number, number][] = [];
  state.forEach((key, supply, demand) => entries.push([key, supply, demand]));
  entries.sort((a, b) => a[0] - b[0]);
  const kinds: MarketSnapshot['kinds'] = [];
  state.forEachKind((key, kind, supply, demand) => kinds.push([key, kind, supply, demand]));
  return {
    at,
    resolution,
    keys: Float64Array.from(entries, (e) => e[0]),
    supply: Float64Array.from(entries, (e) => e[1]),
    demand: Float64Array.from(entries, (e) => e[2]),
    kinds,
  };
}

/**
 * The market over a stretch of the past, from positions and requests handed over in time order (the
 * demo's history): the same state, decay and counting as the live service, a tick every `market.tickS`
 * and a snapshot a minute from `start`, as the service would have kept them had it run then.
 */
export class MarketTimeline {
  readonly state: MarketState;
  readonly snapshots: MarketSnapshot[] = [];
  private readonly isSupply: (kind: string | null, props: string | null) => boolean;
  private readonly cell = new Uint32Array(2);
  private nextTick: number;
  private nextMinute: number;

  constructor(
    private readonly settings: Config['market'],
    start: number,
  ) {
    this.state = new MarketState({ supply: settings.supplyDecay, demand: settings.demandDecay });
    this.isSupply = supplyFilter(settings.supplyKinds);
    this.nextTick = start + settings.tickS * 1000;
    this.nextMinute = start + MINUTE_MS;
  }

  /** Runs the ticks and snapshots due up to `t`, in the order they fall. */
  advance(t: number): void {
    while (Math.min(this.nextTick, this.nextMinute) <= t) {
      if (this.nextMinute <= this.nextTick) {
        // An empty market leaves no row, as the service writes none.
        if (this.state.size > 0) this.snapshots.push(marketSnapshot(this.state, this.nextMinute, this.settings.resolution));
        this.nextMinute += MINUTE_MS;
      } else {
        this.state.tick();
        this.nextTick += this.settings.tickS * 1000;
      }
    }
  }

  /** Rows `from` to `to` of a batch (all of it by default). */
  addPositions(rows: PositionBatch, from = 0, to = rows.length): void {
    countSupply(this.state, rows, this.settings.resolution, this.isSupply, this.cell, from, to);
  }

  addDemand(events: readonly DemandEvent[]): void {
    countDemand(this.state, events, this.settings.resolution, this.cell);
  }

  /** Hands over the snapshots taken so far (the caller writes them). */
  takeSnapshots(): MarketSnapshot[] {
    return this.snapshots.splice(0);
  }
}
