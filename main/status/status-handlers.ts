import type { Status } from '../../shared/rpc';
import type { Handlers } from '../rpc';

/** How often the status goes out on `status.changed`. */
const STATUS_INTERVAL_MS = 1000;

/** `status.get`: the status bar's figures now. */
export function statusHandlers<C>(status: () => Status): Pick<Handlers<C>, 'status.get'> {
  return { 'status.get': () => status() };
}

/** Calls `publish` every second (it sends the status while anyone listens); returns its stop. */
export function startStatusChannel(publish: () => void): () => void {
  const timer = setInterval(publish, STATUS_INTERVAL_MS);
  return () => clearInterval(timer);
}
