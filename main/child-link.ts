import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** The engine's end of a child process it runs a module in: messages both ways (structured clone), its output, its end. */
export interface ChildLink {
  readonly pid: number | undefined;
  /** Sends a message; `done` gets an error when the child can no longer take it. */
  send(message: unknown, done: (err: Error | null) => void): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Once, how it ended: `signal SIGSEGV`, `exit 1`. */
  onExit(listener: (how: string) => void): void;
  /** Each line it writes to stdout or stderr. */
  onLine(listener: (line: string) => void): void;
  /** Lets it go politely (it exits when its parent goes); `kill` when it does not. */
  disconnect(): void;
  kill(): void;
}

/** Starts `path` as a child; the engine's launcher unless the host gave its own (Electron's utility process). */
export type ChildLauncher = (path: string, options: { execArgv: string[]; env: NodeJS.ProcessEnv; name: string }) => ChildLink;

const lines = (streams: (Readable | null | undefined)[], listener: (line: string) => void) => {
  for (const s of streams) if (s) createInterface({ input: s }).on('line', listener);
};

/** node's child_process.fork with 'advanced' serialization, so ArrayBuffers cross as bytes, not JSON. */
export const forkChild: ChildLauncher = (path, { execArgv, env }) => {
  const child = fork(path, [], { execArgv, env, serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const exitListeners: ((how: string) => void)[] = [];
  let ended: string | undefined;
  const end = (how: string) => {
    if (ended) return;
    ended = how;
    for (const l of exitListeners) l(how);
  };
  child.once('exit', (code, signal) => end(signal ? `signal ${signal}` : `exit ${code}`));
  // Kept for its life: an 'error' with no listener would throw in the engine. One that never started emits no exit.
  child.on('error', (err) => {
    if (!child.pid) end(`not started: ${err.message}`);
  });
  return {
    pid: child.pid,
    send: (m, done) => (child.connected ? child.send(m as object, (err) => done(err)) : done(new Error('its channel is closed'))),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => (ended ? l(ended) : exitListeners.push(l)),
    onLine: (l) => lines([child.stdout, child.stderr], l),
    disconnect: () => child.connected && child.disconnect(),
    kill: () => child.kill('SIGKILL'),
  };
};

let launcher: ChildLauncher = forkChild;

/**
 * Electron's host gives its own launcher: a packaged app cannot run its binary as Node (the RunAsNode fuse
 * is off, build/fuses.mjs), so children there are Electron utility processes.
 */
export function useChildLauncher(own: ChildLauncher): void {
  launcher = own;
}

export function launchChild(...args: Parameters<ChildLauncher>): ChildLink {
  return launcher(...args);
}
