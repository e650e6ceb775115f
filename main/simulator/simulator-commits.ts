import { PositionBatch, type CommitBatch, type QuarantineRow } from '../history';
import type { PositionSink } from '../ingest';

/** The simulator's stream in the history: its rows carry no sequence, its refused messages are numbered from 1. */
export const SIMULATOR_STREAM = 'simulator';
/** Batches (a tick each) waiting behind a commit before they are accepted without one: a stuck history never stops the map. */
const MAX_WAITING = 50;

export interface CommitTarget {
  commit(batch: CommitBatch): Promise<void>;
  quarantine: { lastSeq(stream: string): Promise<bigint> };
}

interface Waiting {
  rows: PositionBatch;
  quarantined: QuarantineRow[];
}

/**
 * The simulator's positions take NATS's path: committed to the history (stream `simulator`, no
 * sequence), then accepted through the fan-out. Off the tick: a tick queues its batch and returns; one
 * commit runs at a time and takes every batch that queued meanwhile (group commit). A commit that fails
 * is logged and its positions are accepted all the same, so the live map keeps going.
 */
export class SimulatorCommits {
  private waiting: Waiting[] = [];
  private chain: Promise<void> = Promise.resolve();
  private nextSeq?: bigint;
  private failing = false;

  constructor(
    private readonly history: CommitTarget | undefined,
    private readonly accept: PositionSink,
    private readonly log: (line: string) => void,
  ) {}

  /** A tick's positions and refused messages (bound: handed to the source as is). */
  readonly take = (rows: PositionBatch, quarantined: QuarantineRow[]): void => {
    if (!this.history) return this.accept(rows);
    this.waiting.push({ rows, quarantined });
    if (this.waiting.length > MAX_WAITING) {
      // The history is far behind: the oldest batch goes on to the map uncommitted.
      this.accept(this.waiting.shift()!.rows);
      this.fail('commits are far behind; positions go on to the map without being kept');
    }
    if (this.waiting.length === 1) this.chain = this.chain.then(() => this.commitWaiting());
  };

  /** Settles the commits under way and queued (before the history closes). */
  async flush(): Promise<void> {
    await this.chain;
    if (this.waiting.length) await (this.chain = this.chain.then(() => this.commitWaiting()));
  }

  private async commitWaiting(): Promise<void> {
    const group = this.waiting.splice(0);
    if (group.length === 0) return;
    const rows = group.length === 1 ? group[0]!.rows : PositionBatch.concat(group.map((g) => g.rows));
    const quarantined = group.flatMap((g) => g.quarantined);
    try {
      await this.history!.commit({ stream: SIMULATOR_STREAM, rows, quarantined: await this.numbered(quarantined), unsequenced: true });
      if (this.failing) this.log('history: the simulator’s positions are committed again');
      this.failing = false;
    } catch (err) {
      this.fail(`cannot commit ${rows.length} simulated positions: ${(err as Error).message}`);
    }
    // Committed or not, they are the live map's.
    for (const g of group) this.accept(g.rows);
  }

  /** Refused messages numbered after the last one kept, so each is found again by its stream and number. */
  private async numbered(rows: QuarantineRow[]): Promise<QuarantineRow[]> {
    if (rows.length === 0) return rows;
    this.nextSeq ??= (await this.history!.quarantine.lastSeq(SIMULATOR_STREAM)) + 1n;
    return rows.map((q) => ({ ...q, seq: this.nextSeq!++ }));
  }

  /** Logged once until commits succeed again. */
  private fail(why: string): void {
    if (!this.failing) this.log(`history: ${why}`);
    this.failing = true;
  }
}
