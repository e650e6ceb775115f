import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the WAL back into the database file on its own thread and connection, so the writer never
 * stalls on a checkpoint in the middle of a delivery (PASSIVE: it never blocks the writer either).
 */
export class Checkpointer {
  private readonly worker: Worker;

  constructor(file: string, intervalMs = 500) {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(
      `
      const Database = require(${JSON.stringify(sqlite)});
      const { workerData } = require('node:worker_threads');
      const db = new Database(workerData.file, { fileMustExist: true, timeout: 1000 });
      setInterval(() => {
        try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
      }, workerData.intervalMs);
      `,
      { eval: true, workerData: { file, intervalMs } },
    );
    this.worker.unref();
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
