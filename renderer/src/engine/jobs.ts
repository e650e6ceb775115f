import { RpcError, type JobMethod, type ParamsOf, type ProgressOf, type ResultOf, type RpcClient } from '../../../shared/rpc';
import { createStore, type Store } from '../app/store';

/**
 * The renderer's one way to run a long call (a backtest, a replay, a notebook query, a playback frame):
 * it names the job, starts the call, follows its progress on `jobs.progress`, cancels it with
 * `jobs.cancel`, and tells a cancelled job from a failed one by the error's code. Its state is a store:
 * one under a key outlives the screen that started it (`jobStore`); `useJob` without a key keeps one per component.
 */
export type JobStatus = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobState<M extends JobMethod> {
  status: JobStatus;
  /** The id of the job running, or of the last one. */
  jobId?: string;
  /** Its latest progress; kept when it ends (a cancelled job says how far it got). */
  progress?: ProgressOf<M>;
  /** Its answer, when done. */
  result?: ResultOf<M>;
  /** Why it failed, or the engine's word that it was cancelled. */
  error?: RpcError;
}

/** How a job ended, for the caller that awaits it (it never rejects). */
export type JobOutcome<M extends JobMethod> = { status: 'done'; result: ResultOf<M> } | { status: 'failed' | 'cancelled'; error: RpcError };

/** A job method's params without the job id, which the job makes. */
export type JobParams<M extends JobMethod> = Omit<ParamsOf<M>, 'jobId'>;

export type JobStore<M extends JobMethod> = Store<JobState<M>>;

export const idleJob = <M extends JobMethod>(): JobState<M> => ({ status: 'idle' });

const keyed = new Map<string, JobStore<JobMethod>>();

/** The store of the job under `key`: it lives as long as the page, whichever screen shows it. */
export function jobStore<M extends JobMethod>(key: string): JobStore<M> {
  let store = keyed.get(key);
  if (!store) keyed.set(key, (store = createStore<JobState<JobMethod>>(idleJob())));
  return store as unknown as JobStore<M>;
}

let made = 0;
/** Unique in this page: the engine keeps each connection's ids apart from another's. */
const newJobId = () => `j${Date.now().toString(36)}-${(++made).toString(36)}`;

/**
 * Runs `method` as the store's job: a job it still runs is cancelled first (the newer wins), progress
 * is followed until the answer, and the answer (or why there is none) goes into the store — unless a
 * newer job or a reset took the store meanwhile. Resolves with how it ended.
 */
export async function runJob<M extends JobMethod>(client: RpcClient, store: JobStore<M>, method: M, params: JobParams<M>): Promise<JobOutcome<M>> {
  void cancelJob(client, store);
  const jobId = newJobId();
  store.set({ status: 'running', jobId });
  const ours = () => store.get().jobId === jobId;
  const off = client.subscribe('jobs.progress', (p) => {
    if (p.jobId === jobId && ours()) store.set({ ...store.get(), progress: p as ProgressOf<M> });
  });
  try {
    const result = await client.call(method, { ...params, jobId } as ParamsOf<M>);
    if (ours()) store.set({ ...store.get(), status: 'done', result });
    return { status: 'done', result };
  } catch (err) {
    const error = err instanceof RpcError ? err : new RpcError({ code: 'internal', message: String(err) });
    const status = error.code === 'cancelled' ? 'cancelled' : 'failed';
    if (ours()) store.set({ ...store.get(), status, error });
    return { status, error };
  } finally {
    off();
  }
}

/** Asks the engine to stop the store's running job; false when none runs (or the engine could not be asked). */
export async function cancelJob<M extends JobMethod>(client: RpcClient, store: JobStore<M>): Promise<boolean> {
  const { status, jobId } = store.get();
  if (status !== 'running' || !jobId) return false;
  return client.call('jobs.cancel', { jobId }).then(
    (r) => r.cancelled,
    () => false,
  );
}

/** The job under `key` started from outside React (a notebook's "Run all"): as `useJob(method, key).start`. */
export function startJob<M extends JobMethod>(client: RpcClient, key: string, method: M, params: JobParams<M>): Promise<JobOutcome<M>> {
  return runJob(client, jobStore<M>(key), method, params);
}

/** Forgets the job under `key`: idle again, and the answer of one still running is not shown. */
export function resetJob(key: string): void {
  keyed.get(key)?.set(idleJob());
}
