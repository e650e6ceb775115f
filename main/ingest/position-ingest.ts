import { partitionLayout, type Config } from '../config';
import { PositionBatch, SeqRanges, type QuarantineRow, type Range } from '../history';
import { MessageDecoder } from './message-decoder';
import type { RawBatch } from './batch-builder';
import type { IngestState, NatsServer } from './reader-options';
import { AckReach } from './ack-reach';
import type { AckStall } from './range-acks';
import { ReaderThread } from './reader-thread';
import { partitionOfSubject, type PartitionState } from './pull-lanes';

/** Where a batch's effects are committed, atomically with the sequences it covers. */
export interface IngestSink {
  committedRanges(stream: string): Promise<Range[]>;
  commit(batch: { stream: string; rows: PositionBatch; quarantined: QuarantineRow[]; committed: Range[] }): Promise<void>;
}

/** The ingest settings of the configuration: the stream and consumer, partitions, the size a message may have. */
export function ingestSettingsOf(config: Pick<Config, 'nats' | 'cluster' | 'ingest'>): Pick<IngestOptions, 'nats' | 'cluster' | 'maxMessageBytes'> {
  return { nats: config.nats, cluster: config.cluster, maxMessageBytes: config.ingest.maxMessageBytes };
}

export interface IngestOptions {
  nats: Config['nats'];
  /** `cluster.partitions` > 0: positions split by device, each partition pinned to one engine of the fleet. */
  cluster?: Config['cluster'];
  maxMessageBytes: number;
  env: Readonly<Record<string, string | undefined>>;
  sink: IngestSink;
  /**
   * After a commit, before its acks: the positions committed (with their resolution-15 cells) and the
   * highest stream sequence the commit covers (with partitions, also each partition's highest). What it
   * produces downstream must be committed when it returns.
   */
  onCommitted: (rows: PositionBatch, highWater: number, partitions?: ReadonlyMap<number, number>) => void;
  /** A partition's pin gained (true) or lost (false) by this engine. */
  onOwnership?: (partition: number, owned: boolean) => void;
  /** Awaited when a partition is gained, before any of its positions is committed here (the fence state handed over). */
  beforeTakeover?: (partition: number) => Promise<void>;
  /**
   * This engine alone pulls from its consumer (the embedded fence engine needs every fix of a device): without
   * partitions it acks ranges (ack policy "all": an ack a batch, not a message), and its status warns when
   * another client pulls from the consumer too.
   */
  ownConsumer?: boolean;
  log?: (line: string) => void;
}

/**
 * Positions from a durable JetStream pull consumer into the sink, exactly once in effect. A worker
 * thread consumes and acks (nats-reader.ts); this side decodes, indexes and commits each batch with
 * its sequences, and only then lets the worker ack it. A redelivered sequence already committed is
 * acked and skipped.
 */
export class PositionIngest {
  state: IngestState = 'starting';
  detail = 'connecting';
  /** The server the reader last connected to, and its release. */
  server: NatsServer | undefined;
  readonly quarantineCounts: Record<string, number> = {};
  committed = 0;
  skipped = 0;
  private ranges = new SeqRanges();
  private readonly decoder: MessageDecoder;
  private reader: ReaderThread | undefined;
  private chain: Promise<void> = Promise.resolve();
  private queue: Decoded[] = [];
  private stopped = false;
  private readonly log: (line: string) => void;
  private readonly partitioned: boolean;
  /** The token of a stored subject that holds its partition (partitions on). */
  private readonly partitionToken: number;
  private partitionStates: PartitionState[];
  /**
   * With partitions, every sequence up to here is acked by the fleet (the lowest of the consumers' ack floors):
   * committed as a whole, so the sequences of other engines' partitions do not leave a gap each in the stored ranges.
   */
  private fleetFloor = 0;
  /** With ack policy "all": how far an ack may reach. */
  private readonly reach: AckReach | undefined;

  constructor(private readonly options: IngestOptions) {
    this.log = options.log ?? (() => {});
    this.decoder = new MessageDecoder(options.maxMessageBytes);
    const layout = options.cluster && partitionLayout({ nats: options.nats, cluster: options.cluster });
    this.partitioned = Boolean(layout);
    this.partitionToken = layout?.token ?? -1;
    this.reach = options.ownConsumer && !layout ? new AckReach() : undefined;
    this.partitionStates = Array.from({ length: layout?.count ?? 0 }, (_, partition) => ({ partition, owned: false, pending: -1 }));
  }

  /** Each partition, whether this engine owns it, and its backlog; empty with partitions off. */
  partitions(): PartitionState[] {
    return this.partitionStates;
  }

  /** Losses of partitions not told yet: they wait for the commits before them. */
  private losses: Promise<void> = Promise.resolve();

  /** How many engines pull from the fleet, as their heartbeats tell: the share of partitions each should hold. */
  setFleetSize(engines: number): void {
    this.reader?.setFleetSize(engines);
  }

  /** Whether this engine holds partition `p`'s pin now (the shared archive's compaction is the owner's). */
  owns(p: number): boolean {
    return this.partitionStates[p]?.owned ?? false;
  }

  async start(): Promise<void> {
    const { nats, env, sink } = this.options;
    this.ranges = new SeqRanges(await sink.committedRanges(nats.stream));
    this.reader = new ReaderThread({
      nats,
      cluster: this.options.cluster,
      env,
      warnShared: this.options.ownConsumer && !this.partitioned,
      ackPolicy: this.reach ? 'all' : 'explicit',
      onAckStall: (stall) => {
        this.chain = this.chain.then(() => this.proveHoles(stall));
      },
      onState: (state, detail) => this.setState(state, detail),
      onServer: (server) => (this.server = server),
      onPartitions: (list) => (this.partitionStates = list),
      onAckFloor: (seq) => (this.fleetFloor = Math.max(this.fleetFloor, seq)),
      onOwnership: (partition, owned, epoch) => {
        this.log(`nats: partition ${partition} ${owned ? 'gained' : 'lost'}`);
        const tell = () => {
          try {
            this.options.onOwnership?.(partition, owned);
          } catch (err) {
            this.log(`ingest: a listener of partition ${partition}'s ownership failed: ${(err as Error).message}`);
          }
        };
        // A loss is told once the batches delivered before it are committed (their effects belong to the state the
        // rooms hand on), and a gain after any loss still waiting, so the rooms see them in the order they happened.
        if (!owned) this.losses = this.chain.then(tell);
        else void this.losses.then(() => (tell(), this.takeOver(partition, epoch)));
      },
      onBatch: (batch) => {
        // Decoding and indexing run as batches arrive; commits run one at a time behind them, and
        // batches that arrive while one commits are committed together (group commit).
        this.queue.push(this.decode(batch));
        if (this.queue.length === 1) this.chain = this.chain.then(() => this.commitGuarded(this.queue.splice(0)));
      },
    });
  }

  /** A partition gained: its positions wait until the rooms have taken it over (a failure is logged, and they go on). */
  private async takeOver(partition: number, epoch: number): Promise<void> {
    try {
      await this.options.beforeTakeover?.(partition);
    } catch (err) {
      this.log(`ingest: taking over partition ${partition} failed: ${(err as Error).message}; its positions go on`);
    }
    this.reader?.release(partition, epoch);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.reader?.stop();
    await this.chain;
    this.state = 'stopped';
  }

  private setState(state: IngestState, detail: string): void {
    if (this.stopped && state !== 'stopped') return;
    if (state !== this.state || detail !== this.detail) this.log(`nats: ${state}: ${detail}`);
    this.state = state;
    this.detail = detail;
  }

  private settle(id: number, committed: boolean): void {
    this.reader?.settle(id, committed, this.reach?.upTo(this.ranges));
  }

  /** Ack policy "all": holes the acks wait behind, filled when they hold only messages deleted before they were read. */
  private proveHoles(stall: AckStall): void {
    const filled = this.reach?.prove(stall, this.ranges);
    if (!filled) return;
    this.ranges = filled;
    this.reader?.reach(this.reach!.upTo(filled));
  }

  /** Decodes and indexes one batch; sequences already committed are left out (they are only acked). */
  private decode(batch: RawBatch): Decoded {
    const rows = new PositionBatch(batch.seqs.length);
    const quarantined: QuarantineRow[] = [];
    const fresh: number[] = [];
    const received = Date.now();
    const bytes = new Uint8Array(batch.data);
    // A second copy of a sequence in one batch: the reader drops repeats, and this is the guard behind
    // it (checked through a set only when the batch is not in order, which it nearly always is).
    const seen = increasing(batch.seqs) ? undefined : new Set<number>();
    // With partitions, each sequence's partition (a token of its stored subject) for the handover's high-water marks.
    const partitionOf = this.partitioned ? new Map<number, number>() : undefined;
    const subjectPartitions = partitionOf && batch.subjects.map((s) => partitionOfSubject(s, this.partitionToken));
    for (let i = 0; i < batch.seqs.length; i++) {
      const seq = batch.seqs[i];
      if (this.ranges.has(seq) || seen?.has(seq)) continue;
      seen?.add(seq);
      fresh.push(seq);
      partitionOf?.set(seq, subjectPartitions![batch.subjectOf[i]]);
      const refused = this.decoder.decodeInto(rows, seq, bytes, batch.offsets[i], batch.offsets[i + 1]);
      if (refused) quarantined.push(badMessage(batch, i, seq, refused.reason, refused.detail, received));
    }
    return { id: batch.id, seqs: batch.seqs, total: batch.seqs.length, rows, quarantined, fresh, partitionOf };
  }

  /**
   * Commits decoded batches with their sequences (in one transaction, or in parts around a message the
   * store refuses), then lets the reader ack them; when the store itself fails they are naked and come back.
   */
  private async commit(group: Decoded[]): Promise<void> {
    const settle = (ok: boolean) => {
      if (ok && this.reach) for (const b of group) this.reach.delivered(b.seqs);
      for (const b of group) this.settle(b.id, ok);
    };
    // Ranges may have grown since decoding (a redelivery committed by an earlier batch), and two
    // batches of a group may carry the same sequence: each is kept once, and only if not committed.
    const decoded = group.flatMap((b) => b.fresh);
    const unique = increasing(decoded) ? decoded : [...new Set(decoded)];
    const fresh = unique.filter((seq) => !this.ranges.has(seq));
    const all = PositionBatch.concat(group.map((b) => b.rows));
    const kept = new Set<number>();
    const keep = (seq: number) => !this.ranges.has(seq) && !kept.has(seq) && kept.add(seq) !== undefined;
    const rows = fresh.length === decoded.length ? all : all.filter(keep);
    const quarantined = group.flatMap((b) => b.quarantined).filter((q) => keep(Number(q.seq)));
    this.skipped += group.reduce((n, b) => n + b.total, 0) - fresh.length;
    if (fresh.length === 0) return settle(true);
    const partitionOf = this.partitioned ? new Map(group.flatMap((b) => [...(b.partitionOf ?? [])])) : undefined;
    settle(await this.commitSplitting({ rows, quarantined, seqs: fresh, partitionOf }));
  }

  /** A group's commit; anything unforeseen naks the group rather than stop the chain of commits behind it. */
  private async commitGuarded(group: Decoded[]): Promise<void> {
    try {
      await this.commit(group);
    } catch (err) {
      this.setState('error', `cannot commit ${group.length} batches: ${(err as Error).message}; they will be redelivered`);
      group.forEach((b) => this.settle(b.id, false));
    }
  }

  /**
   * Commits a part. When the store refuses it but still takes an empty commit, a message in it is at
   * fault: the part is halved until each such message is found and quarantined with the store's reason,
   * and the rest commits, so a poison message costs a few commits, never the stream. False when the
   * store itself fails.
   */
  private async commitSplitting(part: Part): Promise<boolean> {
    try {
      await this.commitPart(part);
      return true;
    } catch (err) {
      const why = (err as Error).message;
      if (!(await this.storeTakesCommits())) {
        this.setState('error', `cannot commit ${part.seqs.length} positions: ${why}; they will be redelivered`);
        return false;
      }
      if (part.seqs.length === 1) {
        const q = part.quarantined[0] ?? quarantineRow(part.rows, 0);
        this.log(`ingest: stream sequence ${part.seqs[0]} cannot be committed (${why}); quarantined`);
        try {
          await this.commitPart({ ...part, rows: new PositionBatch(0), quarantined: [{ ...q, reason: 'uncommittable', detail: why }] });
          return true;
        } catch (err) {
          this.setState('error', `cannot commit or quarantine stream sequence ${part.seqs[0]}: ${(err as Error).message}; it will be redelivered`);
          return false;
        }
      }
      const half = new Set(part.seqs.slice(0, part.seqs.length >> 1));
      const side = (inFirst: boolean): Part => ({
        rows: part.rows.filter((seq) => half.has(seq) === inFirst),
        quarantined: part.quarantined.filter((q) => half.has(Number(q.seq)) === inFirst),
        seqs: part.seqs.filter((seq) => half.has(seq) === inFirst),
        partitionOf: part.partitionOf,
      });
      return (await this.commitSplitting(side(true))) && (await this.commitSplitting(side(false)));
    }
  }

  /** A part's rows, bad messages and sequences in one transaction; then what follows from the rows (fences). */
  private async commitPart(part: Part): Promise<void> {
    const { sink, nats, onCommitted } = this.options;
    const next = this.ranges.with(part.seqs, this.fleetFloor);
    await sink.commit({ stream: nats.stream, rows: part.rows, quarantined: part.quarantined, committed: next.toArray() });
    this.ranges = next;
    for (const q of part.quarantined) this.quarantineCounts[q.reason] = (this.quarantineCounts[q.reason] ?? 0) + 1;
    this.committed += part.rows.length;
    try {
      // What the fixes produced downstream (fence events, queued) is committed before the acks go out.
      onCommitted(
        part.rows,
        part.seqs.reduce((a, b) => (b > a ? b : a), 0),
        part.partitionOf && highWaters(part.seqs, part.partitionOf),
      );
    } catch (err) {
      // The positions are stored; their fence events are decided again from them at the next start (catch-up).
      this.log(`ingest: fences could not take ${part.rows.length} committed positions: ${(err as Error).message}`);
    }
  }

  /** Whether the store takes a commit at all (the committed sequences as they are, nothing else). */
  private async storeTakesCommits(): Promise<boolean> {
    try {
      await this.options.sink.commit({ stream: this.options.nats.stream, rows: new PositionBatch(0), quarantined: [], committed: this.ranges.toArray() });
      return true;
    } catch {
      return false;
    }
  }
}

/** Message i of a batch, kept in quarantine with why. */
function badMessage(batch: RawBatch, i: number, seq: number, reason: string, detail: string, received: number): QuarantineRow {
  const raw = new Uint8Array(batch.data, batch.offsets[i], batch.offsets[i + 1] - batch.offsets[i]).slice();
  return { seq: BigInt(seq), subject: batch.subjects[batch.subjectOf[i]], raw, reason, detail, received };
}

/** A decoded row the store refused, kept for inspection as the JSON of its values. */
function quarantineRow(rows: PositionBatch, i: number): QuarantineRow {
  const { seq, h3, ...values } = rows.row(i);
  const raw = new TextEncoder().encode(JSON.stringify({ ...values, h3: h3.toString(16) }));
  return { seq, subject: '', raw, reason: 'uncommittable', detail: '', received: Date.now() };
}

interface Part {
  rows: PositionBatch;
  quarantined: QuarantineRow[];
  seqs: number[];
  /** Each sequence's partition (partitions on). */
  partitionOf?: Map<number, number>;
}

/** The highest of `seqs` in each partition. */
function highWaters(seqs: number[], partitionOf: Map<number, number>): Map<number, number> {
  const high = new Map<number, number>();
  for (const seq of seqs) {
    const p = partitionOf.get(seq) ?? -1;
    if (p >= 0 && seq > (high.get(p) ?? 0)) high.set(p, seq);
  }
  return high;
}

/** True when every sequence is above the one before (no repeats possible). */
function increasing(seqs: ArrayLike<number>): boolean {
  for (let i = 1; i < seqs.length; i++) if (seqs[i] <= seqs[i - 1]) return false;
  return true;
}

interface Decoded {
  id: number;
  /** Every sequence the batch delivered (committed before or not). */
  seqs: Float64Array;
  total: number;
  rows: PositionBatch;
  quarantined: QuarantineRow[];
  fresh: number[];
  partitionOf?: Map<number, number>;
}
