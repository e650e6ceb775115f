import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString, UTC_SESSION } from '../archive';
import { assertNotLost, remember } from '../data-dir';
import { ArchiveRoller, type FaultPoint, type ParquetOptions, type PruneResult, type RollResult } from './archive-roller';
import { highWaterOf, mergeRanges, withHighWater, type SeqRange } from './committed-ranges';
import { PositionBatch } from './position-batch';
import { HotCheckpoints } from './hot-checkpoints';
import { QuarantineTable } from './quarantine-table';
import { writeHistorySnapshot, type HistorySnapshot } from './history-snapshot';
import { Session } from './session';
import { safeInt, tsLiteral } from './sql-literals';
import { SCHEMA_SQL, appendPositions, appendQuarantine, type PositionRow, type QuarantineRow } from './tables';

export type { FaultPoint, ParquetOptions, PruneResult, RollResult };

export interface HistoryOptions {
  dataDir: string;
  /** Archive hours older than this many days are deleted by applyRetention; 0 keeps everything. */
  retentionDays?: number;
  /** How long after an hour ends its rows stay hot, waiting for late fixes, before the hour is rolled. */
  graceMs?: number;
  /** Parts with at least this many rows are not merged again when late data adds a small part to their hour. */
  compactMaxRows?: number;
  parquet?: Partial<ParquetOptions>;
  /**
   * A checkpoint is taken between ingest's commits once this many rows are committed since the last
   * (hot-checkpoints.ts); 0 leaves checkpoints to DuckDB, inside whichever commit fills its WAL.
   */
  checkpointRows?: number;
  /** DuckDB's buffer limit (default "256MB"); larger sorts spill to `<dataDir>/history.duckdb.tmp`. */
  memoryLimit?: string;
  log?: (line: string) => void;
  /** Test hook: called at each FaultPoint; throwing there leaves the files and tables as a crash would. */
  faults?: (point: FaultPoint) => void;
}

export interface CommitBatch {
  stream: string;
  /** Columns (the ingest path) or rows. */
  rows: PositionBatch | readonly PositionRow[];
  quarantined: readonly QuarantineRow[];
  /** Every sequence up to this one is committed with this batch. */
  highWater?: bigint;
  /** Or: the exact committed sequences of the stream after this batch (ingest's SeqRanges), which replace the stored ones. */
  committed?: readonly SeqRange[];
  /** Or: the source has no stream sequences (the simulator: its rows carry seq 0), so none are stored. */
  unsequenced?: true;
}

export interface HistoryCounts {
  hot: number;
  archived: number;
  quarantined: number;
}

const POSITIONS = 'positions';
/** Rows between checkpoints by default: about two seconds at 50,000 positions/s, a checkpoint of tens of milliseconds. */
const CHECKPOINT_ROWS = 100_000;
/** With checkpoints taken between commits, DuckDB's own (inside a commit) only if those keep being refused. */
const WAL_BACKSTOP = '256MB';

/**
 * The DuckDB hot table, quarantine and the committed stream sequences, exact across crashes: a batch's
 * rows, bad messages and sequences commit in one transaction. Ended hours move into the Parquet
 * archive through the roller (archive-roller.ts), on the maintenance session.
 */
export class HistoryStore {
  readonly quarantine: QuarantineTable;
  readonly archiveDir: string;
  private readonly roller: ArchiveRoller;
  readonly checkpoints: HotCheckpoints;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly ingest: Session,
    private readonly maintenance: Session,
    private readonly query: Session,
    options: HistoryOptions,
  ) {
    this.archiveDir = join(options.dataDir, 'archive');
    this.quarantine = new QuarantineTable(query);
    this.checkpoints = new HotCheckpoints(ingest, options.checkpointRows ?? CHECKPOINT_ROWS);
    this.roller = new ArchiveRoller(maintenance, this.archiveDir, {
      retentionDays: options.retentionDays ?? 0,
      graceMs: options.graceMs ?? 5 * 60_000,
      compactMaxRows: options.compactMaxRows ?? 50_000_000,
      parquet: options.parquet ?? {},
      log: options.log ?? (() => {}),
      fault: options.faults ?? (() => {}),
    });
  }

  /** Opens (or creates) `<dataDir>/history.duckdb` and `<dataDir>/archive/`, and finishes what a crash interrupted. */
  static async open(options: HistoryOptions): Promise<HistoryStore> {
    await mkdir(join(options.dataDir, 'archive', POSITIONS), { recursive: true });
    // Without it the committed sequences are gone, and the stream would be stored a second time beside the archive.
    const file = join(options.dataDir, 'history.duckdb');
    assertNotLost(file);
    const instance = await DuckDBInstance.create(file, {
      // Parquet and JSON are built in; nothing may be fetched from the internet.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      memory_limit: options.memoryLimit ?? '256MB',
      // One thread while ingest commits: on two cores a second one cost 7% more CPU in task hand-offs.
      // The roll's sort and Parquet write get every core for their stretch (allCores).
      threads: '1',
      ...((options.checkpointRows ?? CHECKPOINT_ROWS) > 0 && { checkpoint_threshold: WAL_BACKSTOP }),
    });
    const sessions: Session[] = [];
    try {
      for (let i = 0; i < 3; i++) sessions.push(new Session(await instance.connect()));
      const [ingest, maintenance, query] = sessions;
      for (const session of sessions) await session.run(UTC_SESSION);
      for (const sql of SCHEMA_SQL) await maintenance.run(sql);
      const store = new HistoryStore(instance, ingest, maintenance, query, options);
      await maintenance.exclusive(() => store.roller.reconcile());
      remember(file);
      return store;
    } catch (err) {
      for (const s of sessions) s.connection.closeSync();
      instance.closeSync();
      throw err;
    }
  }

  /** The glob every outside reader uses. */
  get positionsGlob(): string {
    return join(this.archiveDir, POSITIONS, '**', '*.parquet');
  }

  /** The highest stream sequence whose effects are committed, counting from the first committed range (0n if none). */
  async highWater(stream: string): Promise<bigint> {
    return highWaterOf(await this.committedRanges(stream));
  }

  /** The committed sequences of a stream as sorted disjoint ranges. */
  committedRanges(stream: string): Promise<[number, number][]> {
    return this.ingest.exclusive(() => this.readRanges(stream));
  }

  /** One transaction: rows into the hot table, bad messages into quarantine, the committed sequences. Nothing is visible unless all is. */
  commit(batch: CommitBatch): Promise<void> {
    if (batch.committed === undefined && batch.highWater === undefined && !batch.unsequenced) {
      return Promise.reject(new TypeError('commit needs highWater or committed: the sequences must be stored with the rows'));
    }
    const s = this.ingest;
    return s.exclusive(async () => {
      await s.transaction(async () => {
        if (batch.rows.length > 0) {
          const appender = await s.connection.createAppender('positions_hot');
          try {
            appendPositions(appender, batch.rows instanceof PositionBatch ? batch.rows : PositionBatch.fromRows(batch.rows));
          } catch (err) {
            closeQuietly(appender);
            throw err;
          }
          appender.closeSync(); // flushes: a bad row fails here, inside the transaction
        }
        if (batch.quarantined.length > 0) {
          const appender = await s.connection.createAppender('quarantine');
          try {
            appendQuarantine(appender, batch.stream, batch.quarantined);
          } catch (err) {
            closeQuietly(appender);
            throw err;
          }
          appender.closeSync();
        }
        if (batch.unsequenced) return;
        const ranges = batch.committed ? mergeRanges(batch.committed) : withHighWater(await this.readRanges(batch.stream), batch.highWater ?? 0n);
        // Sent with the COMMIT, without parameters: ingest commits several times a second, and a
        // parameterised run is three trips to DuckDB's thread.
        const stream = sqlString(batch.stream);
        const values = ranges.map(([a, b]) => `(${stream}, ${safeInt(a)}, ${safeInt(b)})`).join(', ');
        return `DELETE FROM ingest_progress WHERE stream = ${stream};${values ? ` INSERT INTO ingest_progress VALUES ${values};` : ''}`;
      });
      this.checkpoints.committed(batch.rows.length);
    });
  }

  /**
   * Batches of positions without stream sequences (a backfill) in one transaction, on the maintenance
   * session so that ingest's commits go on meanwhile: a stop or a crash half-way leaves none of them.
   */
  commitAll(batches: AsyncIterable<PositionBatch>): Promise<number> {
    const m = this.maintenance;
    let n = 0;
    return m.exclusive(async () => {
      await m.transaction(async () => {
        for await (const rows of batches) {
          if (rows.length === 0) continue;
          const appender = await m.connection.createAppender('positions_hot');
          try {
            appendPositions(appender, rows);
          } catch (err) {
            closeQuietly(appender);
            throw err;
          }
          appender.closeSync();
          n += rows.length;
        }
      });
      return n;
    });
  }

  /** Moves every hour that ended before `now - graceMs` from the hot table into Parquet parts, then compacts hours with several parts. */
  roll(now: number): Promise<RollResult> {
    return this.roller.roll(now);
  }

  /** Deletes archive hours that have fully expired under the retention; returns how many hours. */
  applyRetention(now: number): Promise<number> {
    return this.roller.applyRetention(now);
  }

  /**
   * Removes every position without a stream sequence (seq 0: the simulator's) older than `end`, hot and
   * archived (archive-roller.ts, crash-safe); positions with a sequence (NATS's) and later ones stay.
   */
  async removeUnsequencedBefore(end: number): Promise<{ hot: number } & PruneResult> {
    const m = this.maintenance;
    const hot = await m.exclusive(() => m.run(`DELETE FROM positions_hot WHERE seq = 0 AND ts < ${tsLiteral(end)}`));
    return { hot, ...(await this.roller.pruneUnsequenced(end)) };
  }

  /** Hot positions with `after < seq <= upTo`, in stream order (what a crash left unprocessed downstream). */
  hotPositionsBetween(after: number, upTo: number): Promise<{ seq: number; id: string; ts: number; lat: number; lon: number }[]> {
    return this.query.exclusive(async () =>
      (
        await this.query.rows(
          `SELECT seq::DOUBLE AS seq, device_id, epoch_ms(ts)::DOUBLE AS ts, lat, lon FROM positions_hot WHERE seq > ${safeInt(after)} AND seq <= ${safeInt(upTo)} ORDER BY seq`,
        )
      ).map((r) => ({ seq: Number(r.seq), id: String(r.device_id), ts: Number(r.ts), lat: Number(r.lat), lon: Number(r.lon) })),
    );
  }

  /** Each device's latest hot position with seq <= upTo (where the fences left off). */
  latestHotPositions(upTo: number): Promise<{ id: string; ts: number; lat: number; lon: number }[]> {
    return this.query.exclusive(async () =>
      (
        await this.query.rows(
          `SELECT device_id, epoch_ms(max(ts))::DOUBLE AS ts, arg_max(lat, seq) AS lat, arg_max(lon, seq) AS lon FROM positions_hot WHERE seq <= ${safeInt(upTo)} GROUP BY device_id`,
        )
      ).map((r) => ({ id: String(r.device_id), ts: Number(r.ts), lat: Number(r.lat), lon: Number(r.lon) })),
    );
  }

  counts(): Promise<HistoryCounts> {
    return this.query.exclusive(async () => {
      const [r] = await this.query.rows(
        `SELECT (SELECT count(*) FROM positions_hot) AS hot,
                (SELECT coalesce(sum(rows), 0) FROM archive_parts WHERE tbl = '${POSITIONS}') AS archived,
                (SELECT count(*) FROM quarantine) AS quarantined`,
      );
      return { hot: Number(r.hot), archived: Number(r.archived), quarantined: Number(r.quarantined) };
    });
  }

  /** The history as one consistent picture for a reader with its own DuckDB (history-snapshot.ts). */
  snapshot(dir: string): Promise<HistorySnapshot> {
    return this.query.exclusive(() => writeHistorySnapshot(this.query, this.archiveDir, dir));
  }

  async close(): Promise<void> {
    await this.ingest.close();
    await this.maintenance.close();
    await this.query.close();
    this.instance.closeSync();
  }

  private async readRanges(stream: string): Promise<[number, number][]> {
    const rows = await this.ingest.rows('SELECT first_seq, last_seq FROM ingest_progress WHERE stream = $1 ORDER BY first_seq', [stream]);
    return mergeRanges(rows.map((r) => [Number(r.first_seq), Number(r.last_seq)]));
  }
}

function closeQuietly(appender: { closeSync(): void }): void {
  try {
    appender.closeSync();
  } catch {
    // the transaction is rolled back anyway; the first error is the one worth reporting
  }
}
