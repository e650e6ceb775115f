import { createInterface } from 'node:readline';
import { utilityProcess } from 'electron';
import type { ChildLauncher } from '../main';

/**
 * The engine's children as Electron utility processes: the packaged app cannot run its binary as Node
 * (the RunAsNode fuse is off), and a utility process dies with the app. Messages cross by structured
 * clone (ArrayBuffers as bytes), the child reading them from `process.parentPort` (main/child-port.ts).
 */
export const utilityChild: ChildLauncher = (path, { execArgv, env, name }) => {
  const child = utilityProcess.fork(path, [], { execArgv, env, serviceName: name, stdio: 'pipe' });
  let ended: string | undefined;
  const exitListeners: ((how: string) => void)[] = [];
  child.once('exit', (code) => {
    ended = `exit ${code}`;
    for (const l of exitListeners) l(ended);
  });
  return {
    get pid() {
      return child.pid;
    },
    send: (m, done) => {
      if (ended) return done(new Error('it has stopped'));
      child.postMessage(m);
      done(null);
    },
    onMessage: (l) => child.on('message', l),
    onExit: (l) => (ended ? l(ended) : exitListeners.push(l)),
    onLine: (l) => {
      for (const s of [child.stdout, child.stderr]) if (s) createInterface({ input: s }).on('line', l);
    },
    // A utility process has no channel to close: its last answer given, it is ended.
    disconnect: () => void child.kill(),
    kill: () => void child.kill(),
  };
};
