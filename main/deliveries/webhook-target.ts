import { Agent, type Dispatcher } from 'undici';
import { parseRetryAfter } from './backoff';
import type { AttemptOutcome, QueueItem, Target } from './delivery-queue';
import { webhookHeaders } from './signature';

/** What is kept of a receiver's answer: enough to read why it refused. */
const RESPONSE_KEPT = 1024;

/**
 * POSTs items with Standard Webhooks headers over keep-alive connections, a pool per target (its
 * concurrency). undici's dispatcher rather than node:http: a third of the cost per request, which is most
 * of what a delivery costs once the queue's own work is batched. The target's timeout is our own timer:
 * undici's are second-grained.
 */
export class WebhookSender {
  private readonly pools = new Map<string, Pool>();

  /** Sends one item; never throws: every end is an outcome. */
  send(target: Target, item: QueueItem, secret: string | undefined, now: () => number = Date.now): Promise<AttemptOutcome> {
    const started = performance.now();
    const took = () => Math.round((performance.now() - started) * 100) / 100;
    const pool = this.poolOf(target);
    return new Promise((resolve) => {
      let status = 0;
      let retryAfter: string | undefined;
      let text = '';
      let controller: Dispatcher.DispatchController | undefined;
      let settled = false;
      const done = (o: Omit<AttemptOutcome, 'latencyMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...o, latencyMs: took() });
      };
      const timer = setTimeout(() => {
        done({ status: 'timeout', error: `no answer within ${target.timeoutMs} ms` });
        controller?.abort(new Error('timed out'));
      }, target.timeoutMs);
      pool.agent.dispatch(
        {
          origin: pool.origin,
          path: pool.path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'hexwatch',
            ...webhookHeaders(secret, item.id, Math.floor(now() / 1000), item.payload),
          },
          body: item.payload,
        },
        {
          onRequestStart: (c) => {
            controller = c;
            if (settled) c.abort(new Error('timed out'));
          },
          onResponseStart: (_c, statusCode, headers) => {
            status = statusCode;
            retryAfter = [headers['retry-after']].flat()[0];
          },
          // The whole answer is read (the connection goes back to the pool), its first KB kept.
          onResponseData: (_c, chunk) => {
            if (text.length < RESPONSE_KEPT) text += chunk.toString('utf8');
          },
          onResponseEnd: () => done(outcomeOf(status, text, retryAfter, now())),
          onResponseError: (_c, err) => {
            // undici wraps the socket's error (ECONNREFUSED, ENOTFOUND, a TLS refusal) as its cause.
            const cause = (err as { cause?: Error }).cause;
            done({ status: 'failed', ...(status ? { httpStatus: status } : {}), error: cause?.message ? `${err.message}: ${cause.message}` : err.message });
          },
        },
      );
    });
  }

  /** Closes every pool once its requests have ended. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.agent.close()));
  }

  /** The target's pool, made anew when its URL or concurrency changed (the old one finishes what it has). */
  private poolOf(target: Target): Pool {
    const key = `${target.url} ${target.concurrency}`;
    const had = this.pools.get(target.id);
    if (had?.key === key) return had;
    if (had) void had.agent.close();
    const url = new URL(target.url!);
    const pool = { key, origin: url.origin, path: `${url.pathname}${url.search}`, agent: new Agent({ connections: target.concurrency }) };
    this.pools.set(target.id, pool);
    return pool;
  }
}

interface Pool {
  key: string;
  origin: string;
  path: string;
  agent: Agent;
}

/** What a receiver's answer means for the item: delivered, retried (when it said), or never again (410). */
function outcomeOf(status: number, text: string, retryAfterHeader: string | undefined, now: number): Omit<AttemptOutcome, 'latencyMs'> {
  const response = text ? { response: text.slice(0, RESPONSE_KEPT) } : {};
  if (status >= 200 && status < 300) return { status: 'success', httpStatus: status, ...response };
  const retryAfter = status === 429 || status === 503 ? parseRetryAfter(retryAfterHeader, now) : undefined;
  return {
    status: 'failed',
    httpStatus: status,
    error: `HTTP ${status}${text ? `: ${text.trim().slice(0, 200)}` : ''}`,
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    ...(status === 410 ? { gone: true } : {}),
    ...response,
  };
}
