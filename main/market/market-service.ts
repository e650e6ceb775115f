import { cpus } from 'node:os';
import { join } from 'node:path';
import type { DemandEvent } from '../../shared/demand';
import { surgeMultiplier } from '../../shared/surge';
import { cellKey, cellParent, cellResolution, cellToHex, hexToCell, keyToCell } from '../../shared/h3-cell';
import type { MarketCell, MarketMetrics } from '../../shared/rpc';
import { archiveMarketSnapshots } from '../archive';
import type { Config } from '../config';
import type { RoutedFenceEvent } from '../fences';
import type { PositionBatch, QuarantineRow, Range } from '../history';
import { indexPosition, viewTest } from '../heatmap';
import { Checkpointer } from '../sqlite';
import { DemandIntake } from './demand-intake';
import { MarketFrames } from './market-frame';
import { MarketJournal } from './market-journal';
import { figures, MarketState, type CellFigures } from './market-state';
import { countDemand, countSupply, marketSnapshot } from './market-timeline';
import { supplyFilter } from './supply-filter';
import { surgeAlerts, surgeChange, type MarketChange } from './surge-alerts';
import { SurgeWatch, type SurgeCrossing } from './surge-watch';

const MINUTE_MS = 60_000;
/** Minute snapshots kept in memory for `market.cell`'s hour. */
const HOUR_OF_MINUTES = 60;
/** How far back the events-per-second and latency figures look. */
const RATE_WINDOW_MS = 5_000;
/** Ticks missed while the engine was stopped are applied at start, up to this many (by then every count is 0). */
const MAX_CATCH_UP_TICKS = 1000;

export interface MarketServiceOptions {
  dataDir: string;
  settings: Config['market'];
  /** NATS ingest's connection: demand is read from the demand stream with it. Absent: the simulator's demand is added directly. */
  nats?: Config['nats'];
  env?: Readonly<Record<string, string | undefined>>;
  maxMessageBytes?: number;
  /** Keeps bad requests for inspection beside bad positions (the history's quarantine). */
  quarantine?: (stream: string, rows: QuarantineRow[], committed: Range[]) => Promise<void>;
  /** The cells whose surge crossed the threshold at a tick, as `market.changed` says them. */
  onChanged?: (change: MarketChange) => void;
  /** Where surge alerts go (the fence events' path), when `market.alertTargets` names any. */
  alerts?: (events: RoutedFenceEvent[]) => void;
  clock?: () => number;
  log?: (line: string) => void;
}

/** A minute's figures, sorted by cell key for lookups. */
interface Minute {
  at: number;
  keys: Float64Array;
  supply: Float32Array;
  demand: Float32Array;
}

/**
 * The market room: supply from accepted positions, demand from its stream (or the simulator), a tick
 * every `market.tickS` (decay, snapshot, crossings), a Parquet snapshot a minute, the figures for the
 * map and the panel, and the processing metrics.
 */
export class MarketService {
  readonly state: MarketState;
  readonly frames: MarketFrames;
  readonly journal: MarketJournal;
  private readonly watch: SurgeWatch;
  private readonly isSupply: (kind: string | null, props: string | null) => boolean;
  private readonly clock: () => number;
  private readonly log: (line: string) => void;
  private intake?: DemandIntake;
  private checkpointer?: Checkpointer;
  private tickTimer?: NodeJS.Timeout;
  private minuteTimer?: NodeJS.Timeout;
  private archiving: Promise<unknown> = Promise.resolve();
  private readonly minutes: Minute[] = [];
  private lastTickAt: number;
  private readonly cell = new Uint32Array(2);
  // Processing figures: totals, and recent samples for rates.
  private processed = 0;
  private recent: { at: number; events: number; requests: number; lagMs: number }[] = [];
  private cpuAt = { usage: process.cpuUsage(), at: performance.now(), percent: 0 };

  constructor(private readonly options: MarketServiceOptions) {
    const { settings } = options;
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? (() => {});
    this.state = new MarketState({ supply: settings.supplyDecay, demand: settings.demandDecay });
    this.frames = new MarketFrames(this.state, settings.resolution);
    this.watch = new SurgeWatch(settings.surgeAlert);
    this.isSupply = supplyFilter(settings.supplyKinds);
    this.journal = MarketJournal.open(join(options.dataDir, 'market.sqlite'));
    // As the last run left it: its last tick, the demand counted since, and the ticks missed while stopped.
    const saved = this.journal.load(settings.demandStream);
    if (saved.bases) this.state.restore(saved.bases);
    for (const c of saved.demand) this.state.addDemand(c.key, c.kind, c.n);
    const now = this.clock();
    const tickMs = settings.tickS * 1000;
    const missed = saved.at === undefined ? 0 : Math.min(MAX_CATCH_UP_TICKS, Math.floor((now - saved.at) / tickMs));
    for (let i = 0; i < missed; i++) this.state.tick();
    this.lastTickAt = now;
    if (options.nats)
      this.intake = new DemandIntake({
        nats: { ...options.nats, stream: settings.demandStream, subjects: settings.demandSubjects, consumer: settings.demandConsumer },
        env: options.env ?? {},
        maxMessageBytes: options.maxMessageBytes ?? 65_536,
        journal: this.journal,
        committed: saved.committed,
        cellOf: (lat, lon) => this.cellOf(lat, lon),
        quarantine: options.quarantine,
        onCounted: (counts, requests, lagMs) => {
          for (const c of counts) this.state.addDemand(c.key, c.kind, c.n);
          this.note(requests, requests, lagMs);
        },
        log: this.log,
      });
  }

  get settings(): Config['market'] {
    return this.options.settings;
  }

  start(): void {
    // Snapshots and journalled batches keep the WAL busy: copied back on its own thread, never in a tick.
    this.checkpointer ??= new Checkpointer(this.journal.db);
    this.intake?.start();
    this.tickTimer = setInterval(() => this.safely('tick', () => this.tick()), this.settings.tickS * 1000);
    this.minuteTimer = setInterval(() => this.safely('minute snapshot', () => this.minute()), MINUTE_MS);
    this.tickTimer.unref();
    this.minuteTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.tickTimer);
    clearInterval(this.minuteTimer);
    await this.intake?.stop();
    await this.archiving;
    await this.checkpointer?.stop();
    this.journal.close();
  }

  /** Accepted positions: the available ones count as supply in their cell (bound: registered as is in the engine's fan-out). */
  readonly addPositions = (rows: PositionBatch): void => {
    const counted = countSupply(this.state, rows, this.settings.resolution, this.isSupply, this.cell);
    if (counted > 0) this.note(counted, 0, 0);
  };

  /** Requests made up by the simulator (with no demand stream to read); bound, handed to it as is. */
  readonly addDemand = (events: readonly DemandEvent[]): void => {
    const now = this.clock();
    countDemand(this.state, events, this.settings.resolution, this.cell);
    this.note(
      events.length,
      events.length,
      events.reduce((lag, e) => lag + now - e.ts, 0),
    );
  };

  /** The end of a tick: decay, the snapshot that makes a restart exact, and the crossings. */
  tick(): SurgeCrossing[] {
    const now = this.clock();
    this.state.tick();
    this.lastTickAt = now;
    this.journal.snapshot(now, this.state.bases());
    const crossings = this.watch.update(this.state);
    if (crossings.length > 0) this.announce(now, crossings);
    return crossings;
  }

  /** Crossings of the surge threshold: to every client, and as surge alerts to the targets that want them. */
  private announce(at: number, crossings: readonly SurgeCrossing[]): void {
    const { surgeAlert, alertTargets } = this.settings;
    const hexOf = (key: number) => this.hexOf(key);
    this.options.onChanged?.(surgeChange(at, surgeAlert, crossings, hexOf));
    if (alertTargets.length > 0) this.options.alerts?.(surgeAlerts(at, crossings, { hexOf, centre: (key) => this.frames.centre(key) }, alertTargets));
  }

  /** Cells by surge (most first), or those inside bounds. */
  cells(options: { bounds?: { west: number; south: number; east: number; north: number }; limit: number }): {
    resolution: number;
    tickS: number;
    at: number;
    threshold: number;
    cells: MarketCell[];
  } {
    const { resolution, tickS, surgeAlert } = this.settings;
    const all: MarketCell[] = [];
    const inView = options.bounds ? viewTest(options.bounds, resolution) : () => true;
    this.state.forEach((key, supply, demand) => {
      const [lat, lon] = this.frames.centre(key);
      if (inView(lat, lon)) all.push({ hex: this.hexOf(key), lat, lon, ...figures(supply, demand) });
    });
    all.sort((x, y) => y.surge - x.surge || y.demand - x.demand || (x.hex < y.hex ? -1 : 1));
    return { resolution, tickS, at: this.lastTickAt, threshold: surgeAlert, cells: all.slice(0, options.limit) };
  }

  /** One cell now (its kinds too) and a point a minute over the last hour. */
  cellDetail(hex: string): {
    hex: string;
    resolution: number;
    now: CellFigures & { kinds: Record<string, CellFigures> };
    history: (CellFigures & { at: number })[];
  } {
    const { resolution } = this.settings;
    hexToCell(hex.toLowerCase(), this.cell);
    // A finer cell is looked up in the market cell holding it.
    const res = Math.min(resolution, cellResolution(this.cell[0]));
    cellParent(this.cell[0], this.cell[1], res, this.cell);
    const key = cellKey(this.cell[0], this.cell[1]);
    const now = this.state.get(key) ?? { ...figures(0, 0), kinds: {} };
    const history = this.minutes.map((m) => {
      const i = indexOf(m.keys, key);
      return { at: m.at, ...(i < 0 ? figures(0, 0) : figures(m.supply[i]!, m.demand[i]!)) };
    });
    return { hex: this.hexOf(key), resolution: res, now, history };
  }

  /** The processing figures: events counted and per second, request-to-count latency, error rate, memory, CPU, the consumer's backlog. */
  metrics(): MarketMetrics {
    const now = this.clock();
    this.recent = this.recent.filter((r) => r.at > now - RATE_WINDOW_MS);
    const events = this.recent.reduce((n, r) => n + r.events, 0);
    const requests = this.recent.reduce((n, r) => n + r.requests, 0);
    const lagMs = this.recent.reduce((n, r) => n + r.lagMs, 0);
    const intake = this.intake;
    const read = (intake?.counted ?? 0) + (intake?.quarantined ?? 0);
    return {
      events_processed: this.processed,
      events_per_second: Math.round((events / RATE_WINDOW_MS) * 1000),
      average_latency_ms: requests ? Math.round((lagMs / requests) * 10) / 10 : 0,
      error_rate: read ? (intake?.quarantined ?? 0) / read : 0,
      memory_usage_mb: Math.round(process.memoryUsage().rss / 1048576),
      cpu_usage_percent: this.cpuPercent(),
      queue_depth: Math.max(0, intake?.backlog ?? 0),
      cells: this.state.size,
      surging: this.surgingNow(),
      demand_state: intake ? intake.state : 'simulated',
      ...(intake?.detail ? { demand_detail: intake.detail } : {}),
    };
  }

  /** Cells at or over the surge threshold now (the tick under way included). */
  private surgingNow(): number {
    let n = 0;
    const { surgeAlert } = this.settings;
    this.state.forEach((_key, supply, demand) => {
      if (surgeMultiplier(supply, demand) >= surgeAlert) n++;
    });
    return n;
  }

  /** A minute's snapshot: kept for the hour in memory, and written to the Parquet archive. */
  minute(): void {
    // The kinds as they stand now, like the cells' totals (a snapshot's bases would leave out the tick under way).
    const snapshot = marketSnapshot(this.state, this.clock(), this.settings.resolution);
    const { at, keys } = snapshot;
    this.minutes.push({ at, keys, supply: Float32Array.from(snapshot.supply), demand: Float32Array.from(snapshot.demand) });
    if (this.minutes.length > HOUR_OF_MINUTES) this.minutes.shift();
    if (keys.length === 0) return;
    // One write at a time, off the tick: a slow disk delays the archive, never the market.
    this.archiving = this.archiving
      .then(() => archiveMarketSnapshots(this.options.dataDir, [snapshot]))
      .catch((err: Error) => this.log(`market: archiving a snapshot failed: ${err.message}`));
  }

  private cellOf(lat: number, lon: number): number {
    indexPosition(lat, lon, this.cell);
    cellParent(this.cell[0], this.cell[1], this.settings.resolution, this.cell);
    return cellKey(this.cell[0], this.cell[1]);
  }

  /** A market cell key as its H3 index in hex. */
  hexOf(key: number): string {
    const c = new Uint32Array(2);
    keyToCell(key, this.settings.resolution, c);
    return cellToHex(c[0], c[1]);
  }

  private note(events: number, requests: number, lagMs: number): void {
    this.processed += events;
    this.recent.push({ at: this.clock(), events, requests, lagMs });
    if (this.recent.length > 10_000) this.recent = this.recent.slice(-5000);
  }

  /** The engine process's CPU over the time since the last look, as a share of the machine. */
  private cpuPercent(): number {
    const usage = process.cpuUsage(this.cpuAt.usage);
    const at = performance.now();
    const wallUs = (at - this.cpuAt.at) * 1000;
    if (wallUs > 500_000) {
      this.cpuAt = { usage: process.cpuUsage(), at, percent: Math.round(((usage.user + usage.system) / wallUs / cpus().length) * 1000) / 10 };
    }
    return this.cpuAt.percent;
  }

  private safely(what: string, work: () => void): void {
    try {
      work();
    } catch (err) {
      this.log(`market: ${what} failed: ${(err as Error).message}`);
    }
  }
}

/** Where `key` is in sorted keys, or -1. */
function indexOf(keys: Float64Array, key: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else if (keys[mid]! > key) hi = mid - 1;
    else return mid;
  }
  return -1;
}
