import { describe, expect, it } from 'vitest';
import { RpcError, type PayloadOf, type RpcClient } from '../../../shared/rpc';
import { jobStore, resetJob, runJob, startJob } from './jobs';

/** An engine that answers each call when the test says, and sends progress when told. */
function fakeEngine() {
  const calls: { method: string; params: Record<string, unknown>; answer(result: unknown): void; fail(error: Error): void }[] = [];
  const cancels: string[] = [];
  const listeners = new Set<(p: PayloadOf<'jobs.progress'>) => void>();
  const client = {
    call: (method: string, params: Record<string, unknown>) =>
      new Promise((resolve, reject) => {
        if (method !== 'jobs.cancel') return calls.push({ method, params, answer: resolve, fail: reject });
        cancels.push(params.jobId as string);
        resolve({ cancelled: true });
      }),
    subscribe: (_channel: string, listener: (p: PayloadOf<'jobs.progress'>) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as RpcClient;
  const progress = (p: PayloadOf<'jobs.progress'>) => listeners.forEach((l) => l(p));
  return { client, calls, cancels, progress, listening: () => listeners.size };
}

const fence = { id: 'f', name: 'f', shape: { type: 'circle', center: [0, 0], radiusM: 10 } } as never;

describe('a job in the renderer', () => {
  it('names the job, follows its own progress only, and keeps its answer', async () => {
    const engine = fakeEngine();
    const store = jobStore<'fences.backtest'>('a');
    const done = runJob(engine.client, store, 'fences.backtest', { fence });
    const [call] = engine.calls;
    const jobId = call!.params.jobId as string;
    expect(jobId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(store.get()).toEqual({ status: 'running', jobId });

    engine.progress({ method: 'fences.backtest', jobId: 'someone-else', positions: 99 });
    engine.progress({ method: 'fences.backtest', jobId, positions: 5 });
    expect(store.get().progress).toEqual({ method: 'fences.backtest', jobId, positions: 5 });

    const result = { positions: 7, events: 0, byType: {}, byDevice: [], first: [], timeline: { from: 0, to: 0, counts: [] } };
    call!.answer(result);
    expect(await done).toEqual({ status: 'done', result });
    expect(store.get()).toMatchObject({ status: 'done', result, progress: { positions: 5 } });
    expect(engine.listening()).toBe(0);
  });

  it('tells a cancelled job from a failed one by the error’s code, not its words', async () => {
    const engine = fakeEngine();
    const store = jobStore<'fences.backtest'>('b');
    const cancelled = runJob(engine.client, store, 'fences.backtest', { fence });
    engine.calls[0]!.fail(new RpcError({ code: 'cancelled', message: 'stopped' }));
    expect(await cancelled).toMatchObject({ status: 'cancelled' });
    expect(store.get()).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });

    const failed = runJob(engine.client, store, 'fences.backtest', { fence });
    engine.calls[1]!.fail(new RpcError({ code: 'internal', message: 'backtest cancelled by the disk' }));
    expect(await failed).toMatchObject({ status: 'failed' });
    expect(store.get().status).toBe('failed');

    const lost = runJob(engine.client, store, 'fences.backtest', { fence });
    engine.calls[2]!.fail(new Error('socket closed'));
    expect(await lost).toMatchObject({ status: 'failed', error: { code: 'internal' } });
  });

  it('cancels the job still running when a newer one starts, and shows only the newer', async () => {
    const engine = fakeEngine();
    const older = startJob(engine.client, 'c', 'fences.backtest', { fence });
    const olderId = engine.calls[0]!.params.jobId as string;
    const newer = startJob(engine.client, 'c', 'fences.backtest', { fence });
    const newerId = engine.calls[1]!.params.jobId as string;
    expect(newerId).not.toBe(olderId);
    expect(engine.cancels).toEqual([olderId]);

    engine.progress({ method: 'fences.backtest', jobId: olderId, positions: 1 });
    engine.calls[0]!.fail(new RpcError({ code: 'cancelled', message: 'backtest cancelled' }));
    expect(await older).toMatchObject({ status: 'cancelled' });
    expect(jobStore('c').get()).toEqual({ status: 'running', jobId: newerId });

    engine.calls[1]!.answer({ positions: 1 });
    expect(await newer).toMatchObject({ status: 'done' });
    expect(jobStore('c').get().status).toBe('done');
  });

  it('forgets a job reset while it runs: its answer is not shown', async () => {
    const engine = fakeEngine();
    const running = startJob(engine.client, 'd', 'fences.backtest', { fence });
    resetJob('d');
    engine.calls[0]!.answer({ positions: 1 });
    await running;
    expect(jobStore('d').get()).toEqual({ status: 'idle' });
  });
});
