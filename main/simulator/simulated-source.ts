import type { DemandEvent } from '../../shared/demand';
import type { Position } from '../../shared/position';
import type { Config } from '../config';
import { indexPosition } from '../heatmap';
import { PositionBatch, type QuarantineRow } from '../history';
import { MessageDecoder, type PositionSink } from '../ingest';
import { BadMessages } from './bad-messages';
import { DemandPacing } from './demand-pacing';
import { DemandSimulator } from './demand-simulator';
import { Simulator } from './simulator';
import { SimulatorCommits, type CommitTarget } from './simulator-commits';

/** How often the walkers are moved and their fixes handed over. */
const TICK_MS = 100;

export interface SimulatedSourceOptions {
  /** Where the walkers' fixes go once committed, as accepted positions with their resolution-15 cells (no stream sequence: 0). */
  positions: PositionSink;
  /** The history they are committed to first, with the malformed messages the decoder refused; without one they are accepted at once. */
  history?: CommitTarget;
  /** Where ride requests go; none are made without a market, nor when `simulator.demandPerSec` is 0. */
  market?: { addDemand(events: DemandEvent[]): void };
  clock: () => number;
  log?: (line: string) => void;
}

/**
 * The simulator as the engine's source when NATS is not: the walkers' fixes every tick, committed to the
 * history then accepted as NATS's are (simulator-commits.ts), and after each batch the ride requests due
 * since the last one, around the drifting hotspots; with `simulator.badPerMin`, a few malformed messages
 * through the same decoder as NATS's, into quarantine.
 */
export class SimulatedSource {
  private readonly walkers: Simulator;
  private readonly requests?: DemandSimulator;
  private readonly bad?: BadMessages;
  private readonly decoder: MessageDecoder;
  private readonly subject: string;
  private readonly cell = new Uint32Array(2);
  private readonly commits: SimulatorCommits;

  private readonly settings: Config['simulator'];

  constructor(
    config: Pick<Config, 'simulator' | 'ingest'>,
    private readonly options: SimulatedSourceOptions,
  ) {
    const settings = (this.settings = config.simulator);
    this.walkers = new Simulator(settings);
    const { center, radiusKm, hotspots, seed, demandPerSec, fleet, badPerMin } = settings;
    if (options.market && demandPerSec > 0) this.requests = new DemandSimulator({ center, radiusKm }, hotspots, seed, `req-${fleet}`);
    if (badPerMin > 0) this.bad = new BadMessages(seed);
    this.decoder = new MessageDecoder(config.ingest.maxMessageBytes);
    // The subject `hexwatch simulate` publishes the same fleet on.
    this.subject = `pos.${fleet}`;
    this.commits = new SimulatorCommits(options.history, options.positions, options.log ?? (() => {}));
  }

  start(): void {
    const { clock, market } = this.options;
    const pacing = new DemandPacing(this.settings.demandPerSec, clock());
    const badPacing = new DemandPacing(this.settings.badPerMin / 60, clock());
    this.walkers.start(
      (batch) => {
        const now = clock();
        const rows = this.rowsOf(batch);
        this.commits.take(rows, this.bad ? this.malformed(batch.slice(0, badPacing.due(now)), rows, now) : []);
        if (!this.requests || !market) return;
        const n = pacing.due(now);
        if (n === 0) return;
        // Everyday requests come from beside this tick's walkers that are supply (where the city's cars go).
        const supply = batch.filter((p) => p.kind !== 'demand');
        market.addDemand(this.requests.take(n, now, supply));
      },
      TICK_MS,
      clock,
    );
  }

  /** Stops the walkers; resolves when what they sent is committed and accepted. */
  stop(): Promise<void> {
    this.walkers.stop();
    return this.commits.flush();
  }

  /** Fixes as the columns every accepted position comes in, each with its resolution-15 cell (no stream sequence: 0). */
  private rowsOf(batch: readonly Position[]): PositionBatch {
    const rows = new PositionBatch(batch.length);
    for (const p of batch) {
      indexPosition(p.lat, p.lon, this.cell);
      rows.add(0, p.id, p.ts, p.lat, p.lon, this.cell[0], this.cell[1], p.speed, p.heading, NaN, p.kind ?? null);
    }
    return rows;
  }

  /** A malformed message made from each of these fixes, through the decoder: refused ones with why (one that decodes joins the rows). */
  private malformed(fixes: readonly Position[], rows: PositionBatch, received: number): QuarantineRow[] {
    const refused: QuarantineRow[] = [];
    for (const p of fixes) {
      const raw = this.bad!.from(p);
      const why = this.decoder.decodeInto(rows, 0, raw, 0, raw.length);
      if (why) refused.push({ seq: 0n, subject: this.subject, raw, reason: why.reason, detail: why.detail, received });
    }
    return refused;
  }
}
