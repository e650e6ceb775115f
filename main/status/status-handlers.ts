import type { Status } from '../../shared/rpc';
import type { Handlers } from '../rpc';

/** How often the status goes out on `status.changed`. */
const STATUS_INTERVAL_MS = 1000;

/** `status.get`: the status bar's figures now. */
export function statusHandlers<C>(status: () => Status): Pick<Handlers<C>, 'status.get'> {
  return { 'status.get': () => status() };
}

/** Pushes the status every second while anyone listens (nobody listening: not even assembled); returns its stop. */
export function startStatusChannel(status: () => Status, publish: (status: Status) => void, listening: () => boolean): () => void {
  const timer = setInterval(() => {
    if (listening()) publish(status());
  }, STATUS_INTERVAL_MS);
  return () => clearInterval(timer);
}
