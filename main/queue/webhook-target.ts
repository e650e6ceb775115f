import http from 'node:http';
import https from 'node:https';
import { parseRetryAfter } from './backoff';
import type { AttemptOutcome, QueueItem, Target } from './delivery-queue';
import { webhookHeaders } from './signature';

/** What is kept of a receiver's answer: enough to read why it refused. */
const RESPONSE_KEPT = 1024;

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };

/** POSTs an item's payload with Standard Webhooks headers; never throws: every end is an outcome. */
export function deliverWebhook(target: Target, item: QueueItem, secret: string | undefined, now: () => number = Date.now): Promise<AttemptOutcome> {
  const started = performance.now();
  const url = new URL(target.url!);
  const body = item.payload;
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'user-agent': 'hexwatch',
    ...webhookHeaders(secret, item.id, Math.floor(now() / 1000), body),
  };
  const secure = url.protocol === 'https:';
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Omit<AttemptOutcome, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...o, latencyMs: Math.round((performance.now() - started) * 100) / 100 });
    };
    const req = (secure ? https : http).request(url, { method: 'POST', headers, agent: secure ? agents.https : agents.http }, (res) => {
      const status = res.statusCode ?? 0;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (text.length < RESPONSE_KEPT) text += chunk;
      });
      res.on('error', (err) => done({ status: 'failed', httpStatus: status, error: `response: ${err.message}` }));
      res.on('end', () => {
        const response = text ? { response: text.slice(0, RESPONSE_KEPT) } : {};
        if (status >= 200 && status < 300) return done({ status: 'success', httpStatus: status, ...response });
        const retryAfter = status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after'], now()) : undefined;
        done({
          status: 'failed',
          httpStatus: status,
          error: `HTTP ${status}${text ? `: ${text.trim().slice(0, 200)}` : ''}`,
          ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
          ...(status === 410 ? { gone: true } : {}),
          ...response,
        });
      });
    });
    const timer = setTimeout(() => {
      done({ status: 'timeout', error: `no answer within ${target.timeoutMs} ms` });
      req.destroy();
    }, target.timeoutMs);
    req.on('error', (err) => done({ status: 'failed', error: err.message }));
    req.end(body);
  });
}
