import type Database from 'better-sqlite3';
import type { Range } from '../history';
import { openDatabase } from '../sqlite';
import type { MarketBases } from './market-state';

/** Demand counted in one cell (as one kind) by one batch. */
export interface DemandCount {
  key: number;
  kind: string;
  n: number;
}

const MIGRATIONS: readonly string[] = [
  `
  -- The market as its last tick left it: every cell's bases as three float64 columns, its kinds as JSON.
  CREATE TABLE snapshot (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    at     INTEGER NOT NULL,
    keys   BLOB    NOT NULL,
    supply BLOB    NOT NULL,
    demand BLOB    NOT NULL,
    kinds  TEXT    NOT NULL
  );
  -- Demand counted since that tick, a row per cell and kind per batch; emptied by the next snapshot.
  CREATE TABLE journal (
    id   INTEGER PRIMARY KEY,
    key  INTEGER NOT NULL,
    kind TEXT    NOT NULL,
    n    INTEGER NOT NULL
  );
  -- The demand stream's sequences counted (or quarantined), as ranges: a redelivery of one is skipped.
  CREATE TABLE committed (
    stream TEXT    NOT NULL,
    first  INTEGER NOT NULL,
    last   INTEGER NOT NULL
  );
  `,
];

const column = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const floats = (b: Buffer) => new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

/**
 * `market.sqlite`: what makes demand count exactly once across a crash. Each batch of requests is
 * journalled with the stream sequences it covers in one transaction before it is acked; each tick
 * replaces the snapshot and empties the journal. On start the market is its snapshot plus the journal.
 */
export class MarketJournal {
  private readonly st;

  private constructor(readonly db: Database.Database) {
    this.st = {
      count: db.prepare(`INSERT INTO journal (key, kind, n) VALUES (?, ?, ?)`),
      clearRanges: db.prepare(`DELETE FROM committed WHERE stream = ?`),
      range: db.prepare(`INSERT INTO committed (stream, first, last) VALUES (?, ?, ?)`),
      snapshot: db.prepare(`INSERT OR REPLACE INTO snapshot (id, at, keys, supply, demand, kinds) VALUES (1, ?, ?, ?, ?, ?)`),
      clearJournal: db.prepare(`DELETE FROM journal`),
    };
  }

  static open(file: string, synchronous: 'full' | 'normal' = 'full'): MarketJournal {
    return new MarketJournal(openDatabase(file, { migrations: MIGRATIONS, synchronous }));
  }

  close(): void {
    this.db.close();
  }

  /** The last snapshot (undefined before the first tick), the demand journalled since, and a stream's committed sequences. */
  load(stream: string): { at?: number; bases?: MarketBases; demand: DemandCount[]; committed: Range[] } {
    const s = this.db.prepare(`SELECT at, keys, supply, demand, kinds FROM snapshot WHERE id = 1`).get() as
      { at: number; keys: Buffer; supply: Buffer; demand: Buffer; kinds: string } | undefined;
    const demand = this.db.prepare(`SELECT key, kind, n FROM journal ORDER BY id`).all() as DemandCount[];
    const committed = (
      this.db.prepare(`SELECT first, last FROM committed WHERE stream = ? ORDER BY first`).all(stream) as { first: number; last: number }[]
    ).map((r): Range => [r.first, r.last]);
    if (!s) return { demand, committed };
    const bases: MarketBases = {
      keys: floats(s.keys),
      supply: floats(s.supply),
      demand: floats(s.demand),
      kinds: JSON.parse(s.kinds) as MarketBases['kinds'],
    };
    return { at: s.at, bases, demand, committed };
  }

  /** A batch's demand and the stream's committed sequences after it, in one transaction. */
  recordDemand(counts: readonly DemandCount[], stream: string, committed: readonly Range[]): void {
    this.db
      .transaction(() => {
        for (const c of counts) this.st.count.run(c.key, c.kind, c.n);
        this.st.clearRanges.run(stream);
        for (const [first, last] of committed) this.st.range.run(stream, first, last);
      })
      .immediate();
  }

  /** The market after a tick: the snapshot replaced, the journal emptied. */
  snapshot(at: number, bases: MarketBases): void {
    this.db
      .transaction(() => {
        this.st.snapshot.run(at, column(bases.keys), column(bases.supply), column(bases.demand), JSON.stringify(bases.kinds));
        this.st.clearJournal.run();
      })
      .immediate();
  }
}
