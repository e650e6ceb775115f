import type Database from 'better-sqlite3';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Makes a SQLite file's committed WAL frames durable off the main thread: a commit written with
 * synchronous = NORMAL reaches the OS but is not fsynced; `sync()` runs an fdatasync of the -wal file on
 * libuv's thread pool and resolves once every frame committed before the call is on disk. Calls made while
 * one runs share the next one (a sync that started before a commit does not cover it).
 */
export class WalSync {
  private wal?: FileHandle;
  private running?: Promise<void>;
  private waiting: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private closed = false;

  constructor(private readonly file: string) {}

  sync(): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.file} is closed`));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.running ??= this.run();
    });
  }

  /** Waits for the sync under way (its callers hear of it), then lets the file go. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
    await this.wal?.close();
    this.wal = undefined;
  }

  private async run(): Promise<void> {
    while (this.waiting.length > 0) {
      const callers = this.waiting;
      this.waiting = [];
      try {
        if (!this.wal) {
          this.wal = await open(`${this.file}-wal`, 'r');
          // As SQLite does on a WAL's first sync: the file's name must survive a power cut with its frames.
          const dir = await open(dirname(this.file), 'r');
          await dir.sync().finally(() => dir.close());
        }
        await this.wal.datasync();
        for (const c of callers) c.resolve();
      } catch (err) {
        for (const c of callers) c.reject(err as Error);
      }
    }
    this.running = undefined;
  }
}

/**
 * Group commit: the calls made in one turn are written together in one transaction (their items can be
 * handed out at once), and every transaction written while an fsync runs shares the next one (off the
 * main thread); each call's promise resolves only once the transaction holding it is on disk. A group
 * that fails is written again a call per transaction, so one bad input fails its own call only.
 */
export class CommitGroup<In, Out> {
  private gathering: { input: In; resolve: (out: Out) => void; reject: (err: Error) => void }[] = [];
  private scheduled = false;
  private unsynced = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly commit: (inputs: In[]) => Out[],
    private readonly wal: WalSync,
  ) {}

  add(input: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.gathering.push({ input, resolve, reject });
      if (!this.scheduled) {
        // The rest of this turn's calls join the same transaction.
        this.scheduled = true;
        setImmediate(() => this.write());
      }
    });
  }

  /** Resolves once every call made so far is answered (a queue closing waits on it). */
  idle(): Promise<void> {
    if (this.gathering.length === 0 && this.unsynced === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private write(): void {
    this.scheduled = false;
    const calls = this.gathering;
    this.gathering = [];
    const written: { calls: typeof calls; outputs: Out[] }[] = [];
    try {
      written.push({ calls, outputs: this.commit(calls.map((c) => c.input)) });
    } catch {
      for (const call of calls)
        try {
          written.push({ calls: [call], outputs: this.commit([call.input]) });
        } catch (err) {
          call.reject(err as Error);
        }
    }
    if (written.length === 0) return this.settled();
    this.unsynced++;
    this.wal
      .sync()
      .then(
        () => {
          for (const w of written) w.calls.forEach((call, i) => call.resolve(w.outputs[i]));
        },
        (err: Error) => {
          // Committed all the same: delivered like any item; a caller that sends again is counted a repeat.
          for (const w of written) for (const call of w.calls) call.reject(new Error(`written but not known to be on disk: ${err.message}`));
        },
      )
      .finally(() => {
        this.unsynced--;
        this.settled();
      });
  }

  private settled(): void {
    if (this.gathering.length > 0 || this.unsynced > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** Writes committed with synchronous = NORMAL (to the OS only), their fsync left to `wal` on libuv's thread pool. */
export class UnsyncedWrites {
  readonly wal: WalSync;
  private readonly off: Database.Statement;
  private readonly on: Database.Statement;

  constructor(db: Database.Database, file: string, synchronous: 'full' | 'normal') {
    this.wal = new WalSync(file);
    this.off = db.prepare('PRAGMA synchronous = NORMAL');
    // Back to the file's own setting for every other write.
    this.on = db.prepare(`PRAGMA synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  }

  run<T>(write: () => T): T {
    this.off.run();
    try {
      return write();
    } finally {
      this.on.run();
    }
  }
}
