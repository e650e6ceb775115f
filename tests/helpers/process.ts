/**
 * Child processes for integration and end-to-end tests: started with piped output (kept for the
 * failure message), stopped with SIGTERM then SIGKILL, and never left behind when the worker exits.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  stdout(): string;
  stderr(): string;
  /** The last lines of both streams, for an assertion or error message. */
  tail(lines?: number): string;
  /** Resolves with the exit; never rejects. */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<ExitInfo>;
  /** Calls `listener` for each complete stdout line (also for lines already printed). */
  onStdoutLine(listener: (line: string) => void): void;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Output kept per stream; older output is dropped past this. */
const MAX_KEPT = 1 << 20;

export function startProcess(name: string, command: string, args: readonly string[], options: Omit<SpawnOptions, 'stdio'> = {}): ManagedProcess {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  let err = '';
  let partial = '';
  const lines: string[] = [];
  const lineListeners: ((line: string) => void)[] = [];
  let exitInfo: ExitInfo | undefined;

  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    out = (out + chunk).slice(-MAX_KEPT);
    partial += chunk;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl).replace(/\r$/, '');
      partial = partial.slice(nl + 1);
      lines.push(line);
      for (const l of lineListeners) l(line);
    }
  });
  child.stderr?.on('data', (chunk: string) => {
    err = (err + chunk).slice(-MAX_KEPT);
  });

  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (e) => {
      err += `\n[${name}] could not start ${command}: ${e.message}\n`;
      exitInfo = { code: null, signal: null };
      live.delete(child);
      resolve(exitInfo);
    });
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(child);
      resolve(exitInfo);
    });
  });

  const handle: ManagedProcess = {
    name,
    child,
    pid: child.pid,
    stdout: () => out,
    stderr: () => err,
    tail: (n = 30) => {
      const pick = (s: string) => s.trimEnd().split('\n').slice(-n).join('\n');
      return `--- ${name} stdout ---\n${pick(out)}\n--- ${name} stderr ---\n${pick(err)}`;
    },
    exited,
    hasExited: () => exitInfo !== undefined,
    async stop(graceMs = 10_000) {
      if (exitInfo) return exitInfo;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    onStdoutLine(listener) {
      for (const line of lines) listener(line);
      lineListeners.push(listener);
    },
  };
  return handle;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** What is awaited, for the timeout message. */
  what: string;
  /** Extra detail for the timeout message (e.g. a process's output). */
  detail?: () => string;
}

/** Thrown by a probe to stop waiting at once (e.g. the process died); other errors are retried. */
export class WaitAborted extends Error {
  override name = 'WaitAborted';
}

/** Polls `probe` until it returns a truthy value (returned) or the time runs out (throws). */
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions): Promise<NonNullable<T>> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      if (err instanceof WaitAborted) throw new Error(`gave up waiting for ${options.what}: ${err.message}${options.detail ? `\n${options.detail()}` : ''}`);
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? ` (last error: ${(lastError as Error).message ?? lastError})` : '';
      const detail = options.detail ? `\n${options.detail()}` : '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${why}${detail}`);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}

export interface RunResult extends ExitInfo {
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

/** Runs a command to its end (killed after `timeoutMs`, or as soon as `stopWhen` sees its stdout match). */
export async function runToExit(
  command: string,
  args: readonly string[],
  options: Omit<SpawnOptions, 'stdio'> & { timeoutMs: number; stopWhen?: RegExp },
): Promise<RunResult> {
  const { timeoutMs, stopWhen, ...spawnOptions } = options;
  const started = Date.now();
  const proc = startProcess(command.split('/').pop() ?? command, command, args, spawnOptions);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.stop(2000);
  }, timeoutMs);
  if (stopWhen) {
    proc.onStdoutLine((line) => {
      if (stopWhen.test(line)) void proc.stop(2000);
    });
  }
  const exit = await proc.exited;
  clearTimeout(timer);
  return { ...exit, stdout: proc.stdout(), stderr: proc.stderr(), durationMs: Date.now() - started, timedOut };
}
