import { NatsServerError } from '../nats';
import { Electing } from './jetstream-setup';

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];
/** A connection that ran this long was good: when it is lost, the other servers are tried at once. */
const GOOD_CONNECTION_MS = 5_000;

/** The server is shutting down gracefully: another is taken at once. */
export class LameDuck extends Error {}

export interface Retry {
  /** How long to wait before the next connection (0: at once). */
  wait: number;
  state: 'reconnecting' | 'error';
  detail: string;
  /** Failures in a row since the last good start, for the next backoff. */
  failures: number;
}

/**
 * What follows a reader's failure: a cluster electing a leader is asked again in a second; a lame-duck
 * server or a good connection lost sends the reader to the other servers at once; anything else backs off,
 * longer each time, and is an error when no connection ran (a refusal, a server never reached).
 */
export function retryAfter(err: unknown, o: { server?: string; since: number; failures: number; now: number; others: boolean }): Retry {
  const { server, since, failures } = o;
  if (err instanceof Electing) {
    return { wait: 1000, failures, state: 'reconnecting', detail: `${server}: the cluster is electing a JetStream leader (${err.message}); retrying in 1 s` };
  }
  if (err instanceof LameDuck || (since > 0 && o.now - since >= GOOD_CONNECTION_MS && !(err instanceof NatsServerError))) {
    // A good connection lost: the other servers first, at once (this one went to the back of the pool).
    const detail = `lost the connection to ${server}: ${describe(err)}; trying ${o.others ? 'the other servers' : 'again'}`;
    return { wait: 0, failures, state: 'reconnecting', detail };
  }
  const wait = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)];
  const retry = `retrying in ${Math.round(wait / 1000)} s`;
  if (since > 0 && !(err instanceof NatsServerError)) {
    return { wait, failures: failures + 1, state: 'reconnecting', detail: `lost the connection to ${server}: ${describe(err)} (${retry})` };
  }
  const detail = `${server && !describe(err).startsWith(server) ? `${server}: ` : ''}${describe(err)} (${retry})`;
  return { wait, failures: failures + 1, state: 'error', detail };
}

/** An error's message, with its code when the message does not say it. */
export function describe(err: unknown): string {
  const e = err as Error & { code?: string };
  const msg = e?.message ?? String(err);
  return e?.code && !msg.includes(e.code) ? `${msg} (${e.code})` : msg;
}
