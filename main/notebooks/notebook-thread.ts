import { Worker } from 'node:worker_threads';
import { workerEntry } from '../worker-entry';
import type { ExtensionState } from './extensions';
import type { QueryProgress } from './query-runner';
import type { FromNotebookWorker, NotebookWorkerData, ToNotebookWorker, WorkerFailure } from './worker-protocol';

/** A query that failed on the notebook thread: DuckDB's message, where in the SQL, or that it was cancelled. */
export class NotebookQueryError extends Error {
  override name = 'NotebookQueryError';
  constructor(readonly failure: WorkerFailure) {
    super(failure.message);
  }
}

type Body<T> = T extends { t: infer K } ? (K extends string ? Omit<T, 'id'> : never) : never;
/** The answer of the kind `K`. */
export type Answer<K extends FromNotebookWorker['t']> = Extract<FromNotebookWorker, { t: K }>;

/**
 * The engine's end of the notebook thread (notebook-worker.ts): requests matched to their answers by
 * id, progress handed to listeners, and every request refused once the thread has failed or stopped.
 */
export class NotebookThread {
  private next = 1;
  private readonly pending = new Map<number, { resolve(m: FromNotebookWorker): void; reject(e: Error): void }>();
  private readonly progress = new Set<(p: QueryProgress) => void>();
  private failed?: Error;

  private constructor(
    private readonly worker: Worker,
    /** The approved extensions as the thread's DuckDB found them. */
    readonly extensions: ExtensionState[],
  ) {
    worker.on('message', (m: FromNotebookWorker) => {
      if (m.t === 'progress') return this.progress.forEach((l) => l(m.progress));
      if (m.t === 'ready') return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.t === 'failed') p?.reject(new NotebookQueryError(m.error));
      else p?.resolve(m);
    });
    const fail = (err: Error) => {
      this.failed = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', (err) => fail(new Error(`the notebook thread failed: ${err.message}`)));
    worker.on('exit', (code) => fail(new Error(`the notebook thread stopped (exit ${code})`)));
  }

  /** Starts the thread and waits until its DuckDB is ready. */
  static async start(data: NotebookWorkerData): Promise<NotebookThread> {
    const worker = new Worker(workerEntry(import.meta.url, './notebook-worker.ts', 'notebook-worker.js'), { workerData: data });
    const extensions = await new Promise<ExtensionState[]>((resolve, reject) => {
      worker.once('message', (m: FromNotebookWorker) => (m.t === 'ready' ? resolve(m.extensions) : reject(new Error(`notebook thread said ${m.t} first`))));
      worker.once('error', reject);
    });
    return new NotebookThread(worker, extensions);
  }

  onProgress(listener: (p: QueryProgress) => void): () => void {
    this.progress.add(listener);
    return () => this.progress.delete(listener);
  }

  /** Sends a request; its answer, of the kind given. */
  async ask<K extends FromNotebookWorker['t']>(_answer: K, body: Body<ToNotebookWorker>): Promise<Answer<K>> {
    if (this.failed) throw this.failed;
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (m: FromNotebookWorker) => void, reject });
      this.worker.postMessage({ ...body, id } as ToNotebookWorker);
    });
  }

  /** Closes the thread's DuckDB (when it still answers) and ends the thread. */
  async close(): Promise<void> {
    if (!this.failed) await this.ask('ok', { t: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }
}
