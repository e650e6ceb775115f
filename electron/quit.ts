// Quitting waits for the engine to stop — the queue's and DuckDB's last writes flushed — but not forever:
// a stop that hangs must not keep a window-less app alive.

export type QuitOutcome = { outcome: 'stopped' } | { outcome: 'failed'; error: Error } | { outcome: 'timed out' };

/** Runs `stop` and settles when it has, or after `timeoutMs` at most (its timer never keeps the process up). */
export function quitAfter(stop: () => Promise<void>, timeoutMs: number): Promise<QuitOutcome> {
  return new Promise<QuitOutcome>((resolve) => {
    const timer = setTimeout(() => resolve({ outcome: 'timed out' }), timeoutMs);
    timer.unref?.();
    const settle = (result: QuitOutcome) => {
      clearTimeout(timer);
      resolve(result);
    };
    try {
      stop().then(
        () => settle({ outcome: 'stopped' }),
        (err: unknown) => settle({ outcome: 'failed', error: err instanceof Error ? err : new Error(String(err)) }),
      );
    } catch (err) {
      settle({ outcome: 'failed', error: err instanceof Error ? err : new Error(String(err)) });
    }
  });
}
