import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RpcError, type JobProgress } from '../../shared/rpc';
import { dispatch } from '../rpc';
import { ClientJobs, PROGRESS_MS, type Job } from './client-jobs';
import { jobsHandlers } from './jobs-handlers';

/** A job's work that runs until its signal aborts, then throws as a room's work does. */
const untilAborted = (job: { signal: AbortSignal }) =>
  new Promise<never>((_, reject) => job.signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }));

/** Settles a promise without letting it reject: its outcome, to compare. */
const outcome = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe('one client’s jobs', () => {
  let sent: JobProgress[];
  let jobs: ClientJobs;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    jobs = new ClientJobs('c1', (p) => sent.push(p));
  });
  afterEach(() => vi.useRealTimers());

  it('sends progress at most every PROGRESS_MS, the latest figures winning, and the last before the answer', async () => {
    let report!: (positions: number) => void;
    let finish!: (n: number) => void;
    const answered: number[] = [];
    const running = jobs.run({ method: 'fences.backtest', id: 'j1', what: 'backtest' }, (job) => {
      report = (positions) => job.progress({ positions });
      return new Promise<number>((resolve) => (finish = resolve));
    });
    void running.then(() => answered.push(sent.length));

    report(1); // the first goes at once
    report(2);
    report(3);
    expect(sent.map((p) => p.method === 'fences.backtest' && p.positions)).toEqual([1]);
    vi.advanceTimersByTime(PROGRESS_MS - 1);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1); // the window ends: the latest of those held back goes
    expect(sent.at(-1)).toEqual({ method: 'fences.backtest', jobId: 'j1', positions: 3 });

    report(4); // inside the next window: held
    finish(42);
    expect(await running).toBe(42);
    // The last figures went out before the answer, and nothing after it.
    expect(answered).toEqual([3]);
    expect(sent.map((p) => p.method === 'fences.backtest' && p.positions)).toEqual([1, 3, 4]);
    vi.advanceTimersByTime(10 * PROGRESS_MS);
    expect(sent).toHaveLength(3);
  });

  it('rejects a cancelled job with the cancelled code; its last figures go out first', async () => {
    const running = outcome(
      jobs.run({ method: 'fences.backtest', id: 'j1', what: 'backtest' }, (job) => {
        job.progress({ positions: 10 });
        job.progress({ positions: 20 });
        return untilAborted(job);
      }),
    );
    expect(jobs.cancel('j1')).toBe(true);
    const { error } = (await running) as { error: RpcError };
    expect(error).toBeInstanceOf(RpcError);
    expect(error.toBody()).toEqual({ code: 'cancelled', message: 'backtest cancelled' });
    expect(sent.map((p) => p.method === 'fences.backtest' && p.positions)).toEqual([10, 20]);
    // Ended: nothing of that id runs any more.
    expect(jobs.cancel('j1')).toBe(false);
  });

  it('keeps the cancelled error its work threw (a replay says how many it queued), and a failure as it was', async () => {
    const replay = outcome(
      jobs.run({ method: 'deliveries.replay', id: 'r', what: 'replay' }, async (job) => {
        await untilAborted(job).catch(() => undefined);
        throw new RpcError({ code: 'cancelled', message: 'replay cancelled: 3 events queued before it stay queued' });
      }),
    );
    jobs.cancel('r');
    expect(((await replay) as { error: RpcError }).error.message).toBe('replay cancelled: 3 events queued before it stay queued');

    const failed = await outcome(
      jobs.run({ method: 'fences.backtest', id: 'f', what: 'backtest' }, () => {
        throw new Error('no archive');
      }),
    );
    expect(failed).toEqual({ error: new Error('no archive') });
    expect((failed as { error: unknown }).error).not.toBeInstanceOf(RpcError);
  });

  it('cancels a job when the client goes, named or not', async () => {
    const named = outcome(jobs.run({ method: 'fences.backtest', id: 'j1', what: 'backtest' }, untilAborted));
    const unnamed = outcome(jobs.run({ method: 'fences.backtest', what: 'backtest' }, untilAborted));
    expect(jobs.size).toBe(2);
    jobs.cancelAll();
    for (const o of await Promise.all([named, unnamed])) expect((o as { error: RpcError }).error.code).toBe('cancelled');
    expect(jobs.size).toBe(0);
  });

  it('reports nothing for a job without an id: no one could tell it apart', async () => {
    await jobs.run({ method: 'fences.backtest', what: 'backtest' }, (job) => job.progress({ positions: 5 }));
    expect(sent).toEqual([]);
  });

  it('stops the older job when a newer one takes its id, and drops the older’s progress', async () => {
    let older!: Job<'fences.backtest'>;
    const first = outcome(
      jobs.run({ method: 'fences.backtest', id: 'j1', what: 'backtest' }, (job) => {
        older = job;
        job.progress({ positions: 1 });
        job.progress({ positions: 2 }); // held back in its window
        return untilAborted(job);
      }),
    );
    const second = jobs.run({ method: 'fences.backtest', id: 'j1', what: 'backtest' }, () => 'newer');
    expect(older.signal.aborted).toBe(true);
    older.progress({ positions: 3 });
    expect(((await first) as { error: RpcError }).error.code).toBe('cancelled');
    expect(await second).toBe('newer');
    vi.advanceTimersByTime(10 * PROGRESS_MS);
    expect(sent.map((p) => p.method === 'fences.backtest' && p.positions)).toEqual([1]);
  });
});

describe('jobs of different clients', () => {
  it('keeps the same id apart: each client hears and cancels its own', async () => {
    const heard: Record<string, JobProgress[]> = { c1: [], c2: [] };
    const a = new ClientJobs('c1', (p) => heard.c1!.push(p));
    const b = new ClientJobs('c2', (p) => heard.c2!.push(p));
    const uids: string[] = [];
    let finishB!: () => void;
    const runA = outcome(
      a.run({ method: 'fences.backtest', id: 'j1', what: 'backtest' }, (job) => {
        uids.push(job.uid);
        job.progress({ positions: 1 });
        return untilAborted(job);
      }),
    );
    const runB = b.run({ method: 'fences.backtest', id: 'j1', what: 'backtest' }, (job) => {
      uids.push(job.uid);
      job.progress({ positions: 2 });
      return new Promise<string>((resolve) => (finishB = () => resolve('b done')));
    });
    expect(new Set(uids).size).toBe(2);
    expect(heard.c1!.map((p) => p.method === 'fences.backtest' && p.positions)).toEqual([1]);
    expect(heard.c2!.map((p) => p.method === 'fences.backtest' && p.positions)).toEqual([2]);

    // jobs.cancel as a client calls it: the caller's job only.
    const handlers = jobsHandlers<{ jobs: ClientJobs }>();
    const cancel = (client: ClientJobs, params: unknown) => dispatch(handlers as never, 'jobs.cancel', params, { jobs: client });
    expect(await cancel(a, { jobId: 'j1' })).toEqual({ cancelled: true });
    expect(((await runA) as { error: RpcError }).error.code).toBe('cancelled');
    expect(b.size).toBe(1);
    finishB();
    expect(await runB).toBe('b done');
    expect(await cancel(b, { jobId: 'j1' })).toEqual({ cancelled: false });
    await expect(cancel(b, { jobId: 'not an id!' })).rejects.toMatchObject({ code: 'invalid_params' });
  });
});
