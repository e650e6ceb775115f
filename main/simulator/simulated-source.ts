import type { DemandEvent } from '../../shared/demand';
import type { Position } from '../../shared/position';
import type { Config } from '../config';
import { indexPosition } from '../heatmap';
import { PositionBatch } from '../history';
import { DemandPacing } from './demand-pacing';
import { DemandSimulator } from './demand-simulator';
import { Simulator } from './simulator';

/** How often the walkers are moved and their fixes handed over. */
const TICK_MS = 100;

export interface SimulatedSourceOptions {
  /** Where the walkers' fixes go, as accepted positions with their resolution-15 cells. */
  positions: (rows: PositionBatch) => void;
  /** Where ride requests go (the market); none are made without it, nor when `simulator.demandPerSec` is 0. */
  demand?: (events: DemandEvent[]) => void;
  clock: () => number;
}

/**
 * The simulator as the engine's source when NATS is not: the walkers' fixes every tick, and after each
 * batch the ride requests due since the last one, around the drifting hotspots.
 */
export class SimulatedSource {
  private readonly walkers: Simulator;
  private readonly requests?: DemandSimulator;
  private readonly cell = new Uint32Array(2);

  constructor(
    private readonly settings: Config['simulator'],
    private readonly options: SimulatedSourceOptions,
  ) {
    this.walkers = new Simulator(settings);
    const { center, radiusKm, hotspots, seed, demandPerSec, fleet } = settings;
    if (options.demand && demandPerSec > 0) this.requests = new DemandSimulator({ center, radiusKm }, hotspots, seed, `req-${fleet}`);
  }

  start(): void {
    const { clock, positions, demand } = this.options;
    const pacing = new DemandPacing(this.settings.demandPerSec, clock());
    this.walkers.start(
      (batch) => {
        positions(this.rowsOf(batch));
        if (!this.requests || !demand) return;
        const now = clock();
        const n = pacing.due(now);
        if (n > 0) demand(this.requests.take(n, now));
      },
      TICK_MS,
      clock,
    );
  }

  stop(): void {
    this.walkers.stop();
  }

  /** Fixes as the columns every accepted position comes in, each with its resolution-15 cell (no stream sequence: 0). */
  private rowsOf(batch: readonly Position[]): PositionBatch {
    const rows = new PositionBatch(batch.length);
    for (const p of batch) {
      indexPosition(p.lat, p.lon, this.cell);
      rows.add(0, p.id, p.ts, p.lat, p.lon, this.cell[0], this.cell[1], NaN, NaN, NaN, p.kind ?? null);
    }
    return rows;
  }
}
