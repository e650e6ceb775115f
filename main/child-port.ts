/**
 * A child process's end of its link to the engine (child-link.ts): node's IPC channel when forked, or
 * `process.parentPort` in an Electron utility process.
 */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

const parentPort = (process as { parentPort?: ParentPort }).parentPort;

/** Sends a message to the engine. */
export function toParent(message: unknown): void {
  if (parentPort) parentPort.postMessage(message);
  else if (process.connected) process.send!(message);
}

/** Sends a last answer, then exits once it is out; a utility process is ended by the engine instead (its postMessage has no callback). */
export function lastToParent(message: unknown): void {
  if (parentPort) parentPort.postMessage(message);
  else if (process.connected) process.send!(message, () => process.exit(0));
  else process.exit(0);
}

/** Each message from the engine; and the engine gone (stopped, crashed, killed), the child exits, so no orphan stays. */
export function fromParent(listener: (message: unknown) => void): void {
  if (parentPort) parentPort.on('message', (e) => listener(e.data));
  else {
    process.on('message', listener);
    process.on('disconnect', () => process.exit(0));
  }
}
