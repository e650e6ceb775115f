import { basename } from 'node:path';
import { launchChild, type ChildLink } from '../child-link';
import { childEntry } from '../worker-entry';
import type { ExtensionState } from './extensions';
import type { QueryProgress } from './query-runner';
import { WORKER_DATA_ENV, type FromNotebookWorker, type NotebookWorkerData, type ToNotebookWorker, type WorkerFailure } from './worker-protocol';

/** A query that failed in the notebook process: DuckDB's message, where in the SQL, or that it was cancelled. */
export class NotebookQueryError extends Error {
  override name = 'NotebookQueryError';
  constructor(readonly failure: WorkerFailure) {
    super(failure.message);
  }
}

type Body<T> = T extends { t: infer K } ? (K extends string ? Omit<T, 'id'> : never) : never;
/** A request without its id, as the service asks it. */
export type NotebookRequest = Body<ToNotebookWorker>;
/** The answer of the kind `K`. */
export type Answer<K extends FromNotebookWorker['t']> = Extract<FromNotebookWorker, { t: K }>;

/** How long a closing child may take to close its DuckDB before it is killed. */
const CLOSE_GRACE_MS = 5000;

/** What a request was doing, for the message when the process dies under it. */
function doing(body: NotebookRequest): string {
  const sql = (s: string) => {
    const line = s.replace(/\s+/g, ' ').trim();
    return `"${line.length > 80 ? `${line.slice(0, 79)}…` : line}"`;
  };
  switch (body.t) {
    case 'run':
      return `running ${sql(body.sql)}`;
    case 'export':
      return `exporting ${sql(body.sql)}`;
    case 'open':
      return `opening ${body.view}`;
    case 'gis':
    case 'gisSource':
      return `reading ${basename(body.path)}`;
    case 'frame':
      return 'building a playback frame';
    case 'views':
      return 'pointing the views at a new snapshot';
    default:
      return `answering ${body.t}`;
  }
}

/**
 * The engine's end of the notebook process (notebook-worker.ts), a child process so that DuckDB or GDAL
 * crashing on a bad file (the spatial extension segfaults on some) takes only it down: requests matched
 * to their answers by id, progress handed to listeners, and once it has died every pending and later
 * request refused with a message saying so (the service then starts a fresh one).
 */
export class NotebookProcess {
  private next = 1;
  private readonly pending = new Map<number, { resolve(m: FromNotebookWorker): void; reject(e: Error): void; doing: string }>();
  private readonly progress = new Set<(p: QueryProgress) => void>();
  private failed?: Error;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildLink,
    /** The approved extensions as the process's DuckDB found them. */
    readonly extensions: ExtensionState[],
  ) {
    child.onMessage((message) => {
      const m = message as FromNotebookWorker;
      if (m.t === 'progress') return this.progress.forEach((l) => l(m.progress));
      if (m.t === 'ready') return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.t === 'failed') p?.reject(new NotebookQueryError(m.error));
      else p?.resolve(m);
    });
    this.exited = new Promise((resolve) =>
      child.onExit((how) => {
        this.failed = new NotebookQueryError({ message: `the notebooks' DuckDB stopped (${how}): run again to restart it` });
        for (const p of this.pending.values())
          p.reject(
            new NotebookQueryError({ message: `the notebooks' DuckDB stopped (${how}) while ${p.doing}: the engine is unharmed; run again to restart it` }),
          );
        this.pending.clear();
        resolve();
      }),
    );
  }

  /** Starts the process and waits until its DuckDB is ready; its stdout and stderr go to `log` line by line. */
  static async start(data: NotebookWorkerData, log: (line: string) => void): Promise<NotebookProcess> {
    const { path, execArgv } = childEntry(import.meta.url, './notebook-worker.ts', 'notebook-worker.js');
    const child = launchChild(path, { execArgv, env: { ...process.env, [WORKER_DATA_ENV]: JSON.stringify(data) }, name: 'hexwatch notebooks' });
    let last = '';
    child.onLine((line) => {
      last = line || last;
      log(`notebooks: ${line}`);
    });
    const extensions = await new Promise<ExtensionState[]>((resolve, reject) => {
      child.onMessage((m) => {
        const first = m as FromNotebookWorker;
        if (first.t === 'ready') resolve(first.extensions);
        else reject(new Error(`the notebook process said ${first.t} first`));
      });
      child.onExit((how) => reject(new Error(`the notebooks' DuckDB stopped (${how}) as it started${last ? `: ${last}` : ''}`)));
    });
    return new NotebookProcess(child, extensions);
  }

  /** Whether it still answers (not dead, not closed). */
  get alive(): boolean {
    return !this.failed;
  }

  onProgress(listener: (p: QueryProgress) => void): () => void {
    this.progress.add(listener);
    return () => this.progress.delete(listener);
  }

  /** Sends a request; its answer, of the kind given. */
  async ask<K extends FromNotebookWorker['t']>(_answer: K, body: NotebookRequest): Promise<Answer<K>> {
    if (this.failed) throw this.failed;
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (m: FromNotebookWorker) => void, reject, doing: doing(body) });
      // A send into a channel that just closed fails here; the exit then refuses the rest.
      this.child.send({ ...body, id } satisfies ToNotebookWorker, (err) => {
        if (err && this.pending.delete(id)) reject(new NotebookQueryError({ message: `the notebooks' DuckDB is not answering: ${err.message}` }));
      });
    });
  }

  /** Closes its DuckDB (when it still answers) and waits for it to exit; killed if it takes too long. */
  async close(): Promise<void> {
    if (!this.failed) await this.ask('ok', { t: 'close' }).catch(() => undefined);
    const kill = setTimeout(() => this.child.kill(), CLOSE_GRACE_MS);
    this.child.disconnect();
    await this.exited;
    clearTimeout(kill);
  }
}
