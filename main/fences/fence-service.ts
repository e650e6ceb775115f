import { join } from 'node:path';
import type { Fence } from '../../shared/fence';
import type { FenceEvent } from '../../shared/fence-event';
import type { Config } from '../config';
import type { PositionBatch } from '../history';
import { FenceEngine, type Fix } from './fence-engine';
import { FenceRegistry } from './fence-registry';
import { Tile38Adapter, type FenceDeployState, type Tile38Settings, type Tile38State } from './tile38-adapter';
import { Tile38EventIntake } from './tile38-event-intake';

/** A fence event with the delivery targets its fence names. */
export type RoutedFenceEvent = FenceEvent & { targets: readonly string[] };

export interface FenceServiceOptions {
  dataDir: string;
  /** Where events go (the delivery queue, the feed), each with its fence's targets, and the ingest mark they complete when there is one. */
  sink: (events: RoutedFenceEvent[], mark?: IngestMark) => void;
  /** Tile38 decides the events when given; the embedded engine otherwise. */
  tile38?: Tile38Settings;
  /** In hook mode: the NATS whose JetStream holds Tile38's events. */
  nats?: Config['nats'];
  env?: Readonly<Record<string, string | undefined>>;
  clock?: () => number;
  log?: (line: string) => void;
  /** How often dwell times are checked against the clock. */
  tickMs?: number;
}

/** The stream sequence up to which positions have been through the fences (stored with their events). */
export interface IngestMark {
  stream: string;
  seq: number;
}

export interface FenceStatus {
  engine: 'embedded' | 'tile38';
  fences: number;
  devices: number;
  connection?: Tile38State;
  error?: string;
  deploy?: Record<string, FenceDeployState>;
  /** Fixes not yet SET into Tile38. */
  waiting?: number;
  /** Tile38's release, once connected. */
  serverVersion?: string;
}

/**
 * Fences at work: the registry, and either the embedded engine or Tile38 deciding events from the
 * positions the pipeline hands over; every change of fences reaches whichever decides.
 */
export class FenceService {
  readonly registry: FenceRegistry;
  private readonly engine = new FenceEngine();
  private readonly tile38?: Tile38Adapter;
  private readonly intake?: Tile38EventIntake;
  private targets = new Map<string, readonly string[]>();
  private readonly clock: () => number;
  private readonly log: (line: string) => void;
  private tickTimer?: NodeJS.Timeout;
  private publishing: Promise<void> = Promise.resolve();
  /** Fixes handed over but not yet SET into Tile38: how far it lags behind the pipeline. */
  private waiting = 0;

  constructor(private readonly options: FenceServiceOptions) {
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? (() => {});
    this.registry = FenceRegistry.open(join(options.dataDir, 'fences.sqlite'), { clock: this.clock });
    if (options.tile38) this.tile38 = new Tile38Adapter(options.tile38, { onEvent: (e) => this.emit([e]), log: this.log });
    if (options.tile38?.mode === 'hook' && options.nats) {
      this.intake = new Tile38EventIntake(options.nats, options.env ?? process.env, options.tile38.prefix, (events) => this.emit(events), this.log);
    }
    this.apply(this.registry.list());
    this.registry.onChange((fences) => this.apply(fences));
  }

  async start(): Promise<void> {
    this.tickTimer = setInterval(() => this.emit(this.engine.tick(this.clock())), this.options.tickMs ?? 1000);
    await this.intake?.start().catch((err: Error) => this.log(`tile38 events: cannot read them from NATS: ${err.message}`));
    await this.tile38?.start();
  }

  async stop(): Promise<void> {
    clearInterval(this.tickTimer);
    await this.publishing;
    await this.tile38?.stop();
    await this.intake?.stop();
    this.registry.close();
  }

  /** Where devices were when the engine last stopped (the embedded engine only; Tile38 keeps its own). */
  seed(fixes: readonly Fix[]): void {
    if (!this.tile38) this.engine.seed(fixes);
  }

  /** The fences' share of accepted positions (bound: registered as is in the engine's fan-out); a batch with no rows still carries its mark. */
  readonly acceptPositions = (rows: PositionBatch, mark?: IngestMark): void => {
    const fixes: Fix[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) fixes[i] = { id: rows.id[i], ts: rows.ts[i], lat: rows.lat[i], lon: rows.lon[i] };
    this.ingest(fixes, mark);
  };

  /** Positions from the pipeline, in order; the embedded engine's events are recorded with `mark`. */
  ingest(fixes: readonly Fix[], mark?: IngestMark): void {
    if (!this.tile38) {
      const events = fixes.length ? this.engine.update(fixes) : [];
      if (events.length || mark) this.options.sink(this.routed(events), mark);
      return;
    }
    if (fixes.length === 0) return;
    const batch = fixes.slice();
    this.waiting += batch.length;
    this.publishing = this.publishing
      .then(() => this.tile38!.publish(batch))
      .catch((err: Error) => this.log(`tile38: ${err.message}`))
      .finally(() => (this.waiting -= batch.length));
  }

  status(): FenceStatus {
    const base = { fences: this.registry.list().filter((f) => f.enabled).length };
    if (!this.tile38) return { engine: 'embedded', ...base, devices: this.engine.deviceCount };
    const s = this.tile38.state;
    return {
      engine: 'tile38',
      ...base,
      devices: 0,
      connection: s.connection,
      ...(s.error ? { error: s.error } : {}),
      deploy: s.fences,
      waiting: this.waiting,
      ...(s.serverVersion ? { serverVersion: s.serverVersion } : {}),
    };
  }

  private apply(fences: Fence[]): void {
    this.targets = new Map(fences.map((f) => [f.id, f.targets]));
    if (this.tile38) {
      void this.tile38.setFences(fences).catch((err: Error) => this.log(`tile38: ${err.message}`));
      return;
    }
    this.emit(this.engine.setFences(fences, this.clock()));
  }

  private emit(events: FenceEvent[]): void {
    if (events.length) this.options.sink(this.routed(events));
  }

  /** Each event with the delivery targets its fence names, so the queue needs to ask nobody. */
  private routed(events: readonly FenceEvent[]): RoutedFenceEvent[] {
    return events.map((e) => ({ ...e, targets: this.targets.get(e.fence_id) ?? [] }));
  }
}
