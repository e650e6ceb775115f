import type { Config } from '../config';
import { PositionBatch } from '../history';
import { partitionOf } from '../../shared/partition';
import { CheckpointBucket, CheckpointTaken, describeStored, FENCE_STATE_BUCKET, usableCheckpoint, type StoredCheckpoint } from './checkpoint-bucket';
import type { FenceCheckpoint } from './fence-checkpoint';
import type { DeviceCheckpoint, Fix } from './fence-engine';
import type { IngestMark } from './fence-service';
import { consumerMarks, readPartition } from './partition-replay';
import { routeOf, takeoverPart, whenTaken, type TakeoverMarks } from './takeover-rules';

/** What the handover needs of the fences (FenceService has it). */
export interface HandoverFences {
  readonly embedded: boolean;
  /** Positions through the engine, their events sent on (the fences' own sink, behind the handover). */
  applyPositions(rows: PositionBatch, mark?: IngestMark): void;
  fenceVersions(): Record<string, number>;
  exportDevices(pick: (deviceId: string) => boolean): DeviceCheckpoint[];
  loadDevices(devices: readonly DeviceCheckpoint[], versions: Readonly<Record<string, number>>): void;
  replay(fixes: readonly Fix[]): void;
  /** Positions through the engine with their events sent on (FenceService.ingest). */
  ingest(fixes: readonly Fix[]): void;
  dropDevices(pick: (deviceId: string) => boolean): number;
}

export interface FenceHandoverOptions {
  config: Pick<Config, 'nats' | 'cluster' | 'fences' | 'ingest'>;
  env: Readonly<Record<string, string | undefined>>;
  fences: HandoverFences;
  /** This engine's name in the checkpoints (engineIdOf: asked only when partitions are on, as it may write the data dir's engine-id). */
  engineId: () => string;
  clock?: () => number;
  log?: (line: string) => void;
  /** The durable consumer of a partition (partitioned ingest's `<nats.consumer>-p<N>`). */
  consumerOf?: (partition: number) => string;
  /** The stored subjects of a partition (`pos.<N>.*` for `pos.>`). */
  subjectOf?: (partition: number) => string;
}

/** What the engine wires to partitioned ingest; inert (every call passes through or does nothing) without partitions. */
export interface FenceHandover {
  /** Whether partitions are on (and the embedded engine decides): each device's state comes from its partition's checkpoint. */
  readonly partitioned: boolean;
  /** Awaited by ingest before a gained partition's first batch is committed: its checkpoint loaded and the acked tail replayed. */
  beforeTakeover(partition: number): Promise<void>;
  /** A partition's pin gained or lost: a lost one's state is checkpointed if it can still be, then dropped here. */
  onOwnership(partition: number, owned: boolean): void;
  /** The fences' sink of committed positions: records which partitions moved, leaves out what a loaded checkpoint already holds. */
  onCommitted(rows: PositionBatch, mark?: IngestMark): void;
  /** Devices' state changed without a position (a dwell fired by the clock): their partitions are checkpointed again. */
  stateChanged(events: readonly { device_id: string }[]): void;
  /** Checkpoints now the owned partitions given (else all) whose state moved: before an unpin, or when a test needs one. */
  checkpointNow(partitions?: readonly number[]): Promise<void>;
  /** Checkpoints every owned partition that changed (the engine stopping). */
  stop(): Promise<void>;
}

/**
 * The embedded fence engine's per-device state handed from engine to engine with the partitions that
 * hold the devices (`cluster.partitions`). The owner checkpoints each changed partition every
 * `fences.checkpointS` into the `hexwatch-fence-state` bucket with the highest sequence of the partition
 * it reflects; a new owner loads it and replays, with no events, the partition's positions from there to
 * its consumer's ack floor (what the old owner acked, so it sent their events). Writes name the revision
 * they follow: two engines that both believe they own a partition (ADR-42) cannot undo each other's state, and
 * one that finds its checkpoint written by another while ingest still holds the pin takes the partition over
 * again rather than dropping a state the server still feeds (takeover-rules.ts).
 */
export function openFenceHandover(options: FenceHandoverOptions): FenceHandover {
  const { config, fences } = options;
  const n = config.cluster.partitions;
  if (n === 0 || !fences.embedded) return noHandover(fences);
  return new PartitionHandover(options, n);
}

/** Without partitions (or with Tile38 deciding): positions go straight to the fences, and nothing is checkpointed. */
export function noHandover(fences: HandoverFences): FenceHandover {
  return {
    partitioned: false,
    beforeTakeover: async () => {},
    onOwnership: () => {},
    onCommitted: (rows, mark) => fences.applyPositions(rows, mark),
    stateChanged: () => {},
    checkpointNow: async () => {},
    stop: async () => {},
  };
}

/**
 * Tries at a takeover before the partition goes on without its devices' state (wrong events): about 17 s of
 * waits, past a client's reconnect to another NATS node, while ingest holds the partition's deliveries.
 */
const TAKEOVER_ATTEMPTS = 12;

class PartitionHandover implements FenceHandover {
  readonly partitioned = true;
  private readonly stream: string;
  private readonly clock: () => number;
  private readonly log: (line: string) => void;
  private readonly consumerOf: (partition: number) => string;
  private readonly subjectOf: (partition: number) => string;
  private bucket?: Promise<CheckpointBucket>;
  private readonly owned = new Set<number>();
  /** Per partition: the highest sequence whose effects are in this engine's state. */
  private readonly seqs = new Map<number, number>();
  /** Per partition: the sequence of the checkpoint last written or loaded. */
  private readonly written = new Map<number, number>();
  /** Per partition: the fence versions of that checkpoint (an edit changes stays without a position). */
  private readonly writtenFences = new Map<number, string>();
  /** Partitions whose state changed with no position since their last checkpoint. */
  private readonly changed = new Set<number>();
  /** Per partition: the bucket revision this engine last read or wrote (the next write must follow it). */
  private readonly revisions = new Map<number, number | undefined>();
  /** Per partition: redeliveries up to here are already in a loaded checkpoint (written before the old owner's acks went out). */
  private readonly skipUpTo = new Map<number, number>();
  /** Partitions whose pin ingest holds (gained, no loss told since), whether or not this engine's state of them counts. */
  private readonly pinned = new Set<number>();
  /** Partitions being taken over again: the positions applied here meanwhile, to go through the state loaded after them. */
  private readonly retaking = new Map<number, { seqs: number[]; fixes: Fix[] }>();
  /** Partitions found taken while their pin is here: taken over again when the server next delivers one of their positions. */
  private readonly retakeOnDelivery = new Set<number>();
  private stopping = false;
  /** One thing at a time per partition: a takeover, a checkpoint, a loss. */
  private readonly chains = new Map<number, Promise<void>>();
  private readonly partitionOfDevice = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly options: FenceHandoverOptions,
    private readonly n: number,
  ) {
    const { nats } = options.config;
    this.stream = nats.stream;
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? (() => {});
    this.consumerOf = options.consumerOf ?? ((p) => `${nats.consumer}-p${p}`);
    const prefix = nats.subjects[0].replace(/\.[>*]$/, '');
    this.subjectOf = options.subjectOf ?? ((p) => `${prefix}.${p}.*`);
    this.timer = setInterval(() => this.checkpointChanged(), options.config.fences.checkpointS * 1000);
    this.timer.unref();
    // Connected while the seed server answers, the bucket's connection learns the cluster and outlives that server
    // (a first takeover during its outage found nothing to connect to); a failure here is retried on use.
    this.open().catch(() => undefined);
  }

  readonly beforeTakeover = (partition: number): Promise<void> => {
    this.pinned.add(partition);
    return this.serial(partition, () => this.takeOver(partition));
  };

  readonly onOwnership = (partition: number, owned: boolean): void => {
    if (owned) this.pinned.add(partition);
    else this.pinned.delete(partition);
    if (owned || !this.owned.has(partition)) return;
    void this.serial(partition, async () => {
      await this.checkpoint(partition).catch((err: Error) => this.log(`fence state: partition ${partition} lost before its last checkpoint: ${err.message}`));
      this.release(partition);
    });
  };

  readonly onCommitted = (rows: PositionBatch, mark?: IngestMark): void => {
    // A partition this engine no longer holds (another took its state over, ADR-42's overlap) is the new owner's to decide:
    // the new owner applied every position delivered here before its pin moved.
    const fresh = (i: number) => {
      const p = this.partitionOf(rows.id[i]);
      return routeOf({ owned: this.owned.has(p), appliedUpTo: this.skipUpTo.get(p) ?? 0 }, rows.seq[i]) === 'fences';
    };
    let kept = rows;
    // Copied only when a batch holds a redelivery of what a loaded checkpoint or the takeover already applied.
    for (let i = 0; i < rows.length && kept === rows; i++) if (!fresh(i)) kept = new PositionBatch(rows.length);
    if (kept !== rows) for (let i = 0; i < rows.length; i++) if (fresh(i)) kept.addFrom(rows, i);
    for (let i = 0; i < kept.length; i++) {
      const p = this.partitionOf(kept.id[i]);
      if (kept.seq[i] > (this.seqs.get(p) ?? 0)) this.seqs.set(p, kept.seq[i]);
      if (this.retakeOnDelivery.delete(p)) this.retakeAgain(p);
      const noted = this.retaking.get(p);
      if (!noted) continue;
      noted.seqs.push(kept.seq[i]);
      noted.fixes.push({ id: kept.id[i], ts: kept.ts[i], lat: kept.lat[i], lon: kept.lon[i] });
    }
    this.options.fences.applyPositions(kept, mark);
  };

  stateChanged(events: readonly { device_id: string }[]): void {
    for (const e of events) this.changed.add(this.partitionOf(e.device_id));
  }

  async checkpointNow(partitions: readonly number[] = [...this.owned]): Promise<void> {
    await Promise.all(partitions.map((p) => this.checkpointOwned(p)));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.checkpointNow();
    const bucket = await this.bucket?.catch(() => undefined);
    await bucket?.close();
  }

  /**
   * Takes a partition's state over: the newest checkpoint and the partition read from it up to its last
   * delivered sequence, then all of it applied at once (no dwell fires from a half-loaded state) and claimed in
   * the bucket. Again (this engine's state counts and its positions still come in meanwhile: `taken`, found
   * claimed by another engine, or a new pin), the state here goes on until the newer one replaces it, and is kept
   * if it cannot be.
   */
  private async takeOver(partition: number, taken = false): Promise<void> {
    const started = performance.now();
    try {
      // A loss told since the re-take was queued: the partition is let go instead.
      if (this.owned.has(partition) && !this.pinned.has(partition)) return;
      for (let attempt = 1; attempt <= TAKEOVER_ATTEMPTS; attempt++) {
        if (this.owned.has(partition)) this.retaking.set(partition, { seqs: [], fixes: [] });
        try {
          const bucket = await this.open();
          const stored = await bucket.read(this.stream, partition);
          const { floor, delivered } = await consumerMarks(bucket.jsm, this.stream, this.consumerOf(partition));
          const checkpoint = this.usable(partition, stored);
          const from = checkpoint?.seq ?? floor;
          const read = await readPartition(bucket.js, {
            stream: this.stream,
            subject: this.subjectOf(partition),
            from: from + 1,
            to: delivered,
            maxMessageBytes: this.options.config.ingest.maxMessageBytes,
          });
          const again = this.retaking.get(partition);
          const applied = this.swapIn(partition, checkpoint, { from, floor, delivered }, read, again);
          this.revisions.set(partition, stored.revision);
          // Claimed at once: an engine that still thinks it owns the partition can no longer write over it.
          await this.checkpoint(partition, true).catch((err: Error) => {
            if (err instanceof CheckpointTaken) throw err;
            this.log(`fence state: partition ${partition} taken over but not claimed in the bucket: ${err.message}`);
          });
          this.log(
            `fence state: partition ${partition} taken over${taken ? ' again' : ''} (${describeStored(stored)}, ${applied.replayed} positions replayed up to seq ${Math.min(floor, Math.max(from, read.last))}, ${applied.tail} unacknowledged applied up to seq ${applied.seq}${again ? `, ${applied.newer} applied here meanwhile` : ''}) in ${Math.round(performance.now() - started)} ms`,
          );
          return;
        } catch (err) {
          if (err instanceof CheckpointTaken) continue;
          this.log(`fence state: partition ${partition}: cannot take its state over (attempt ${attempt}): ${(err as Error).message}`);
          if (attempt === TAKEOVER_ATTEMPTS) break;
          await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 3000)));
        }
      }
    } finally {
      this.retaking.delete(partition);
    }
    // Ingest goes on: the state here, or (a first takeover) the partition's devices start fresh (a device inside may get a second enter).
    if (this.owned.has(partition)) return this.log(`fence state: partition ${partition} goes on with this engine's state of it`);
    this.owned.add(partition);
    this.log(`fence state: partition ${partition} goes on without its devices' state`);
  }

  /** The checkpoint a partition's key holds when this engine can use it (else why not, logged: its devices start fresh). */
  private usable(partition: number, stored: StoredCheckpoint): FenceCheckpoint | undefined {
    const usable = usableCheckpoint(stored, this.n, this.stream);
    if ('checkpoint' in usable) return usable.checkpoint;
    if (usable.why) this.log(`fence state: partition ${partition}'s checkpoint cannot be used (${usable.why}); its devices start fresh`);
    return undefined;
  }

  /**
   * A partition's state replaced, with nothing awaited: the checkpoint's devices, then in stream order what was
   * read after it (acked: silently; delivered, never acked: with events), then what this engine applied after
   * the marks were read while taking it over again (its events sent already: silently).
   */
  private swapIn(
    partition: number,
    checkpoint: FenceCheckpoint | undefined,
    marks: TakeoverMarks,
    read: { fixes: Fix[]; seqs: number[] },
    again: { seqs: number[]; fixes: Fix[] } | undefined,
  ): { replayed: number; tail: number; newer: number; seq: number } {
    this.release(partition);
    if (checkpoint) {
      this.options.fences.loadDevices(checkpoint.devices, checkpoint.fences);
      this.written.set(partition, checkpoint.seq);
    }
    const tailAt = read.seqs.findIndex((seq) => takeoverPart(seq, marks) === 'tail');
    const replay = tailAt < 0 ? read.fixes : read.fixes.slice(0, tailAt);
    const tail = tailAt < 0 ? [] : read.fixes.slice(tailAt);
    this.options.fences.replay(replay);
    this.options.fences.ingest(tail);
    let seq = Math.max(marks.from, read.seqs.at(-1) ?? 0);
    const newer = again ? again.fixes.filter((_, i) => takeoverPart(again.seqs[i], marks) === 'newer') : [];
    this.options.fences.replay(newer);
    for (const s of again?.seqs ?? []) seq = Math.max(seq, s);
    this.seqs.set(partition, seq);
    this.skipUpTo.set(partition, seq);
    this.owned.add(partition);
    return { replayed: replay.length, tail: tail.length, newer: newer.length, seq };
  }

  /** Writes a partition's checkpoint when its state moved since the last one (or always, to claim it); CheckpointTaken when another engine wrote it. */
  private async checkpoint(partition: number, always = false): Promise<void> {
    if (!this.owned.has(partition)) return;
    const seq = this.seqs.get(partition) ?? 0;
    const fences = this.options.fences.fenceVersions();
    const versions = JSON.stringify(fences);
    if (!always && seq === this.written.get(partition) && versions === this.writtenFences.get(partition) && !this.changed.has(partition)) return;
    this.changed.delete(partition);
    const bucket = await this.open();
    const started = performance.now();
    const checkpoint: FenceCheckpoint = {
      stream: this.stream,
      partition,
      partitions: this.n,
      seq,
      fences,
      engine: this.options.engineId(),
      at: this.clock(),
      devices: this.options.fences.exportDevices((id) => this.partitionOf(id) === partition),
    };
    try {
      const { revision } = await bucket.write(checkpoint, this.revisions.get(partition));
      this.revisions.set(partition, revision);
      this.written.set(partition, seq);
      this.writtenFences.set(partition, versions);
    } catch (err) {
      this.changed.add(partition);
      throw err;
    }
    if (performance.now() - started > 1000)
      this.log(`fence state: partition ${partition}'s checkpoint (${checkpoint.devices.length} devices) took ${Math.round(performance.now() - started)} ms`);
  }

  /** An owned partition checkpointed in its turn; found written by another engine, kept to be taken over again or let go (whenTaken). */
  private checkpointOwned(partition: number): Promise<void> {
    return this.serial(partition, async () => {
      try {
        await this.checkpoint(partition);
      } catch (err) {
        if (!(err instanceof CheckpointTaken)) return this.log(`fence state: partition ${partition} not checkpointed: ${(err as Error).message}`);
        const retaking = this.retaking.has(partition) || this.retakeOnDelivery.has(partition);
        const action = whenTaken({ pinned: this.pinned.has(partition), stopping: this.stopping, retaking });
        if (action === 'let-go') {
          this.log(`fence state: partition ${partition}: ${err.message}; this engine stops keeping its state`);
          this.release(partition);
        } else if (action === 'take-over-again-when-delivered') {
          this.log(`fence state: partition ${partition}: ${err.message} while its pin is still here; taken over again with its next position`);
          this.retakeOnDelivery.add(partition);
        }
      }
    });
  }

  /** A partition found taken is still delivered here: its state is taken over again, the positions meanwhile noted from now. */
  private retakeAgain(partition: number): void {
    this.retaking.set(partition, { seqs: [], fixes: [] });
    void this.serial(partition, () => this.takeOver(partition, true));
  }

  private checkpointChanged(): void {
    for (const p of this.owned) void this.checkpointOwned(p);
  }

  /** Forgets a partition: its devices leave the engine, so a stale state is never used and no dwell fires for them here. */
  private release(partition: number): void {
    this.options.fences.dropDevices((id) => this.partitionOf(id) === partition);
    this.owned.delete(partition);
    this.seqs.delete(partition);
    this.written.delete(partition);
    this.writtenFences.delete(partition);
    this.changed.delete(partition);
    this.revisions.delete(partition);
    this.skipUpTo.delete(partition);
    this.retakeOnDelivery.delete(partition);
  }

  private serial<T>(partition: number, work: () => Promise<T>): Promise<T> {
    const run = (this.chains.get(partition) ?? Promise.resolve()).then(work);
    this.chains.set(
      partition,
      run.then(
        () => {},
        () => {},
      ),
    );
    return run;
  }

  private open(): Promise<CheckpointBucket> {
    if (!this.bucket) {
      this.bucket = CheckpointBucket.open(this.options.config.nats, this.options.env).catch((err: Error) => {
        this.bucket = undefined;
        throw new Error(`the ${FENCE_STATE_BUCKET} bucket: ${err.message}`);
      });
    }
    return this.bucket;
  }

  private partitionOf(deviceId: string): number {
    let p = this.partitionOfDevice.get(deviceId);
    if (p === undefined) this.partitionOfDevice.set(deviceId, (p = partitionOf(deviceId, this.n)));
    return p;
  }
}
