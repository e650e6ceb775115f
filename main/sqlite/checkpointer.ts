import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Copies the WAL back into the database file on its own thread and connection, so the writer never
 * stalls on a checkpoint in the middle of a delivery (PASSIVE: it never blocks the writer either).
 *
 * SQLite starts the WAL over only when a write begins with every frame already copied, which a checkpoint
 * on another thread never sees: the writer has always added frames by the time it ends. So after each one
 * the writer's own connection copies the few frames written meanwhile, and its next write starts the WAL
 * over. Left to grow instead, the WAL reached `wal_autocheckpoint` (64 MB) and every commit meanwhile
 * extended the file, which made each durable commit twice as slow.
 *
 * That finishing checkpoint fsyncs twice on the writer's thread (the WAL, then the database), which held
 * everything else there for 1–9 ms, 15–33 ms with the CPU busy. So the writer finishes one round in
 * `finishEvery`: the WAL starts over less often and so holds a few rounds of frames, but once it has reached
 * that size it is written over in place, never extended.
 */
export class Checkpointer {
  private readonly worker: Worker;

  private rounds = 0;

  constructor(writer: Database.Database, intervalMs = 500, finishEvery = 4) {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(
      `
      const Database = require(${JSON.stringify(sqlite)});
      const { workerData, parentPort } = require('node:worker_threads');
      const db = new Database(workerData.file, { fileMustExist: true, timeout: 1000 });
      setInterval(() => {
        try {
          db.pragma('wal_checkpoint(PASSIVE)');
          parentPort.postMessage('done');
        } catch {}
      }, workerData.intervalMs);
      `,
      { eval: true, workerData: { file: writer.name, intervalMs } },
    );
    this.worker.on('message', () => {
      if (++this.rounds % finishEvery !== 0) return;
      try {
        if (writer.open) writer.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        // Busy or closing: the next round finishes it.
      }
    });
    this.worker.unref();
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
