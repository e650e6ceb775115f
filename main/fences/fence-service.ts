import { join } from 'node:path';
import type { Fence } from '../../shared/fence';
import type { FenceEvent } from '../../shared/fence-event';
import type { Config } from '../config';
import type { PositionBatch } from '../history';
import { FenceEngine, type DeviceCheckpoint, type Fix } from './fence-engine';
import { DeployLease } from './deploy-lease';
import { FenceBucket } from './fence-bucket';
import { FenceRegistry } from './fence-registry';
import { localWrites, type FenceWrites } from './fence-writes';
import { Tile38Adapter, type FenceDeployState, type Tile38Settings, type Tile38State } from './tile38-adapter';
import { Tile38EventIntake } from './tile38-event-intake';
import { noHandover, openFenceHandover, type FenceHandover, type FenceHandoverOptions } from './fence-handover';
import { engineIdOf } from '../s3';

/** A fence event with the delivery targets its fence names. */
export type RoutedFenceEvent = FenceEvent & { targets: readonly string[] };

export interface FenceServiceOptions {
  dataDir: string;
  /** Where events go (the delivery queue, the feed), each with its fence's targets, and the ingest mark they complete when there is one. */
  sink: (events: RoutedFenceEvent[], mark?: IngestMark) => void;
  /** Tile38 decides the events when given; the embedded engine otherwise. */
  tile38?: Tile38Settings;
  /**
   * The engine's settings: in hook mode, the NATS whose JetStream holds Tile38's events; with `cluster.partitions`,
   * the embedded engine's state follows each partition to its owner (fence-handover.ts).
   */
  config?: FenceHandoverOptions['config'] & Pick<Config, 'archive'>;
  env?: Readonly<Record<string, string | undefined>>;
  clock?: () => number;
  log?: (line: string) => void;
  /** How often dwell times are checked against the clock. */
  tickMs?: number;
  /** `nats`: the fleet's registry (a key-value bucket on `nats`), fences.sqlite its cache; `local` (default): the file alone. */
  registry?: 'local' | 'nats';
  /** This engine's name in the fleet (the deploy lease's holder). */
  engineId?: string;
  /** With the fleet's registry and Tile38: how long a deployer's lease lasts unrenewed. */
  deployLeaseMs?: number;
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
  registry?: { kind: 'local' | 'nats'; state?: 'connecting' | 'watching' | 'error'; error?: string; deployer?: string; deploying?: boolean };
  readsFrom?: string;
}

/**
 * Fences at work: the registry, and either the embedded engine or Tile38 deciding events from the
 * positions the pipeline hands over; every change of fences reaches whichever decides.
 */
export class FenceService {
  /** The fences as this engine has them (in a fleet, its cache of the shared registry): every read. */
  readonly registry: FenceRegistry;
  /** Partitioned ingest's hooks (beforeTakeover, onOwnership); inert without partitions or with Tile38. */
  readonly handover: FenceHandover;
  /** Where changes go: the file, or the fleet's registry. */
  readonly writes: FenceWrites;
  private readonly bucket?: FenceBucket;
  private lease?: DeployLease;
  private leasing?: Promise<void>;
  private readonly engine = new FenceEngine();
  private readonly tile38?: Tile38Adapter;
  private readonly intake?: Tile38EventIntake;
  private targets = new Map<string, readonly string[]>();
  private readonly clock: () => number;
  private readonly log: (line: string) => void;
  private tickTimer?: NodeJS.Timeout;
  private stopping = false;
  private publishing: Promise<void> = Promise.resolve();
  /** Fixes handed over but not yet SET into Tile38: how far it lags behind the pipeline. */
  private waiting = 0;

  constructor(private readonly options: FenceServiceOptions) {
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? (() => {});
    this.registry = FenceRegistry.open(join(options.dataDir, 'fences.sqlite'), { clock: this.clock });
    const nats = options.config?.nats;
    if (options.registry === 'nats' && nats) {
      const { env = process.env, engineId = 'engine' } = options;
      this.bucket = new FenceBucket({ nats, env, engineId, cache: this.registry, clock: this.clock, log: this.log });
    }
    this.writes = this.bucket ?? localWrites(this.registry);
    // In a fleet, an engine deploys to Tile38 only while it holds the lease.
    if (options.tile38) this.tile38 = new Tile38Adapter(options.tile38, { onEvent: (e) => this.emit([e]), log: this.log, deployer: !this.bucket });
    if (options.tile38?.mode === 'hook' && nats) {
      this.intake = new Tile38EventIntake(nats, options.env ?? process.env, options.tile38.prefix, (events) => this.emit(events), this.log);
    }
    this.apply(this.registry.list());
    this.registry.onChange((fences) => this.apply(fences));
    const { config, dataDir, env = process.env } = options;
    this.handover = config
      ? openFenceHandover({ config, env, fences: this, engineId: () => engineIdOf(dataDir, config.archive.engineId), clock: this.clock, log: this.log })
      : noHandover(this);
  }

  async start(): Promise<void> {
    this.tickTimer = setInterval(() => {
      const dwells = this.engine.tick(this.clock());
      // A dwell fired by the clock changes a device's state with no position: its partition is checkpointed again.
      this.handover.stateChanged(dwells);
      this.emit(dwells);
    }, this.options.tickMs ?? 1000);
    await this.bucket?.start();
    await this.intake?.start().catch((err: Error) => this.log(`tile38 events: cannot read them from NATS: ${err.message}`));
    await this.tile38?.start();
    if (this.bucket && this.tile38) this.leasing = this.startLease(this.bucket, this.tile38);
  }

  /** Takes part in choosing the one engine that deploys to Tile38, once the bucket the lease lives in is open. */
  private async startLease(bucket: FenceBucket, tile38: Tile38Adapter): Promise<void> {
    const kv = await bucket.whenOpen();
    if (this.stopping) return;
    const { engineId = 'engine', deployLeaseMs = 15_000 } = this.options;
    this.lease = new DeployLease(kv, {
      engineId,
      leaseMs: deployLeaseMs,
      onChange: (holding) => void tile38.setDeployer(holding).catch((err: Error) => this.log(`tile38: ${err.message}`)),
      clock: this.clock,
      log: this.log,
    });
    await this.lease.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.tickTimer);
    await this.handover.stop();
    await this.publishing;
    // Before the connections go: the lease is handed back, so another engine deploys without waiting for it to lapse.
    await this.lease?.stop();
    await this.bucket?.stop();
    await this.tile38?.stop();
    await this.intake?.stop();
    this.registry.close();
  }

  /** Where devices were when the engine last stopped (the embedded engine only; Tile38 keeps its own). */
  seed(fixes: readonly Fix[]): void {
    // With partitions, devices come with the partitions this engine takes over, never from its own last run.
    if (!this.tile38 && !this.handover.partitioned) this.engine.seed(fixes);
  }

  /** The fences' share of accepted positions (bound: registered as is in the engine's fan-out), through the handover's bookkeeping of partitions. */
  readonly acceptPositions = (rows: PositionBatch, mark?: IngestMark): void => this.handover.onCommitted(rows, mark);

  /** Positions through the engine or Tile38; a batch with no rows still carries its mark. */
  readonly applyPositions = (rows: PositionBatch, mark?: IngestMark): void => {
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

  /** Whether the embedded engine decides events (Tile38 keeps every device's state itself: no handover). */
  get embedded(): boolean {
    return !this.tile38;
  }

  /** The enabled fences' versions, as a checkpoint records them. */
  fenceVersions(): Record<string, number> {
    return this.engine.fenceVersions();
  }

  /** The state of a partition's devices, for its checkpoint. */
  exportDevices(pick: (deviceId: string) => boolean): DeviceCheckpoint[] {
    return this.engine.exportDevices(pick);
  }

  /** A checkpoint's devices taken over; a stay in a fence edited since it was written may end in a synthetic exit, sent on. */
  loadDevices(devices: readonly DeviceCheckpoint[], versions: Readonly<Record<string, number>>): void {
    this.emit(this.engine.loadDevices(devices, versions, this.clock()));
  }

  /** Positions whose events another engine already sent: they move the state only. */
  replay(fixes: readonly Fix[]): void {
    this.engine.update(fixes);
  }

  dropDevices(pick: (deviceId: string) => boolean): number {
    return this.engine.dropDevices(pick);
  }

  status(): FenceStatus {
    const registry: FenceStatus['registry'] = this.bucket
      ? {
          kind: 'nats',
          state: this.bucket.state,
          ...(this.bucket.error ? { error: this.bucket.error } : {}),
          ...(this.lease?.holder ? { deployer: this.lease.holder } : {}),
          ...(this.tile38 ? { deploying: this.tile38.isDeployer } : {}),
        }
      : { kind: 'local' };
    const base = { fences: this.registry.list().filter((f) => f.enabled).length, registry };
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
      readsFrom: this.tile38.readsFrom,
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
