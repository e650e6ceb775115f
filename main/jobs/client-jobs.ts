import { RpcError, type JobProgress, type MethodName } from '../../shared/rpc';

/** Progress of one job goes out at most this often (and its last report always, before its answer). */
export const PROGRESS_MS = 100;

/** The figures a job of `M` reports on `jobs.progress` (never for a method that reports none). */
export type FiguresOf<M extends MethodName> =
  Extract<JobProgress, { method: M }> extends infer P ? (P extends JobProgress ? Omit<P, 'method' | 'jobId'> : never) : never;

/** What a running job's work is handed. */
export interface Job<M extends MethodName> {
  /** The id the client chose (undefined: it named none, so it cannot follow or cancel it by id). */
  readonly id?: string;
  /** Unique across clients and runs: the name to use where every client's work shares one namespace (the notebook process). */
  readonly uid: string;
  /** Aborted when the client cancels the job, starts another under its id, or goes. */
  readonly signal: AbortSignal;
  /** Reports how far the job is; sent at most every PROGRESS_MS, the latest figures winning. */
  progress(figures: FiguresOf<M>): void;
}

/** Which method a job runs, the id the client gave it, and what it is called in its cancelled message ("backtest cancelled"). */
export interface JobSpec<M extends MethodName> {
  method: M;
  id?: string;
  what: string;
}

/** One job while it runs: its abort, and its progress throttled to one report per interval plus the last. */
class RunningJob<M extends MethodName> implements Job<M> {
  private readonly abort = new AbortController();
  private sentAt = -Infinity;
  private pending?: JobProgress;
  private timer?: ReturnType<typeof setTimeout>;
  /** Ended, or its id taken by a newer job: nothing more goes out under it. */
  private silent = false;

  constructor(
    private readonly spec: JobSpec<M>,
    readonly uid: string,
    private readonly emit: (progress: JobProgress) => void,
    private readonly intervalMs: number,
  ) {}

  get id(): string | undefined {
    return this.spec.id;
  }
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  progress(figures: FiguresOf<M>): void {
    // A job without an id has no one to follow it.
    if (this.spec.id === undefined || this.silent) return;
    this.pending = { ...(figures as object), method: this.spec.method, jobId: this.spec.id } as JobProgress;
    const wait = this.sentAt + this.intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  cancel(): void {
    this.abort.abort();
  }

  /** Sends what is still pending (the last figures go out before the answer), then nothing more. */
  end(): void {
    this.flush();
    this.silent = true;
  }

  /** A newer job took its id: it is stopped, and its progress, under an id that now means the newer one, is dropped. */
  supersede(): void {
    this.silent = true;
    this.pending = undefined;
    clearTimeout(this.timer);
    this.abort.abort();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const p = this.pending;
    if (!p || this.silent) return;
    this.pending = undefined;
    this.sentAt = Date.now();
    this.emit(p);
  }
}

/**
 * One client's long calls: each runs under the id the client chose (another client's "j1" is another
 * job), reports throttled progress to that client only, stops through its AbortSignal when cancelled,
 * and then rejects with the `cancelled` code. When the client goes, `cancelAll` stops them all.
 */
export class ClientJobs {
  private readonly byId = new Map<string, RunningJob<MethodName>>();
  private readonly unnamed = new Set<RunningJob<MethodName>>();
  private runs = 0;

  constructor(
    /** Names this client apart from the others in each job's uid. */
    private readonly clientId: string,
    /** Sends a progress report to this client. */
    private readonly emit: (progress: JobProgress) => void,
    private readonly intervalMs = PROGRESS_MS,
  ) {}

  /**
   * Runs `work` as a job. A job already running under the same id is cancelled first (the newer wins).
   * When cancelled, the call rejects with a `cancelled` RpcError: the one `work` threw, else "<what> cancelled".
   */
  async run<M extends MethodName, T>(spec: JobSpec<M>, work: (job: Job<M>) => Promise<T> | T): Promise<T> {
    const job = new RunningJob<M>(spec, `${this.clientId}-${++this.runs}`, this.emit, this.intervalMs);
    const mine = job as unknown as RunningJob<MethodName>;
    if (spec.id === undefined) this.unnamed.add(mine);
    else {
      this.byId.get(spec.id)?.supersede();
      this.byId.set(spec.id, mine);
    }
    try {
      return await work(job);
    } catch (err) {
      if (err instanceof RpcError && err.code === 'cancelled') throw err;
      if (job.signal.aborted) throw new RpcError({ code: 'cancelled', message: `${spec.what} cancelled` });
      throw err;
    } finally {
      job.end();
      if (spec.id === undefined) this.unnamed.delete(mine);
      else if (this.byId.get(spec.id) === mine) this.byId.delete(spec.id);
    }
  }

  /** Cancels this client's running job of that id; false when none runs. */
  cancel(id: string): boolean {
    const job = this.byId.get(id);
    job?.cancel();
    return Boolean(job);
  }

  /** The client went: every job it started stops. */
  cancelAll(): void {
    for (const job of [...this.byId.values(), ...this.unnamed]) job.cancel();
  }

  /** How many jobs run now. */
  get size(): number {
    return this.byId.size + this.unnamed.size;
  }
}
