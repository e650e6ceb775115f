import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_SECRET } from '../../tests/helpers/webhook-receiver';
import type { QueueItem, Target } from './delivery-queue';
import { WebhookSender } from './webhook-target';

type Answer = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

let server: http.Server;
let answer: Answer;
let url: string;
let sender: WebhookSender;

beforeEach(async () => {
  answer = (_req, res) => res.end('ok');
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => answer(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/fences?team=ops`;
  sender = new WebhookSender();
});

afterEach(async () => {
  await Promise.race([sender.close(), new Promise((r) => setTimeout(r, 1000))]);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const target = (over: Partial<Target> = {}): Target =>
  ({ id: 'hook', kind: 'webhook', url, timeoutMs: 2000, concurrency: 4, enabled: true, ...over }) as Target;
const item = (id = 'msg_abc1') => ({ id, payload: JSON.stringify({ type: 'fence.enter', data: { device_id: 'd1' } }) }) as QueueItem;

describe('sending a webhook', () => {
  it('POSTs the payload to the path and query, signed so standardwebhooks verifies it, and keeps the answer', async () => {
    let seen: { path?: string; headers: http.IncomingHttpHeaders; body: string } | undefined;
    answer = (req, res, body) => {
      seen = { path: req.url, headers: req.headers, body };
      res.writeHead(202).end('queued on our side');
    };
    const outcome = await sender.send(target(), item(), TEST_SECRET);
    expect(outcome).toMatchObject({ status: 'success', httpStatus: 202, response: 'queued on our side' });
    expect(seen!.path).toBe('/hooks/fences?team=ops');
    expect(seen!.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'hexwatch', 'webhook-id': 'msg_abc1' });
    expect(new Webhook(TEST_SECRET).verify(seen!.body, seen!.headers as Record<string, string>)).toEqual(JSON.parse(item().payload));
  });

  it('says what a refusal said, keeping its first KB', async () => {
    answer = (_req, res) => res.writeHead(500).end(`upstream failed: ${'x'.repeat(5000)}`);
    const outcome = await sender.send(target(), item(), undefined);
    expect(outcome.status).toBe('failed');
    expect(outcome.httpStatus).toBe(500);
    expect(outcome.error).toMatch(/^HTTP 500: upstream failed: x+$/);
    expect(outcome.error).toHaveLength('HTTP 500: '.length + 200);
    expect(outcome.response).toHaveLength(1024);
  });

  it('reads Retry-After from a 429, and a 410 as never again', async () => {
    answer = (_req, res) => res.writeHead(429, { 'retry-after': '7' }).end();
    expect(await sender.send(target(), item(), undefined)).toMatchObject({ status: 'failed', httpStatus: 429, retryAfterMs: 7000 });
    answer = (_req, res) => res.writeHead(410).end('gone');
    expect(await sender.send(target(), item(), undefined)).toMatchObject({ status: 'failed', httpStatus: 410, gone: true });
  });

  it('times out a receiver that never answers at the target’s timeout, and the next request still goes through', async () => {
    answer = () => {};
    const outcome = await sender.send(target({ timeoutMs: 200 }), item(), undefined);
    expect(outcome).toMatchObject({ status: 'timeout', error: 'no answer within 200 ms' });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(199);
    answer = (_req, res) => res.end('back');
    expect(await sender.send(target({ timeoutMs: 200 }), item(), undefined)).toMatchObject({ status: 'success', response: 'back' });
  });

  it('reads a huge answer through without keeping it, and the connection serves the next', async () => {
    answer = (_req, res) => res.end(Buffer.alloc(8 * 1024 * 1024, 'a'));
    const outcome = await sender.send(target(), item(), undefined);
    expect(outcome).toMatchObject({ status: 'success', httpStatus: 200 });
    expect(outcome.response).toHaveLength(1024);
    answer = (_req, res) => res.end('small');
    expect(await sender.send(target(), item(), undefined)).toMatchObject({ status: 'success', response: 'small' });
  });

  it('says why nothing could be sent to a port nobody listens on', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await sender.send(target({ url: `http://127.0.0.1:${port}/x` }), item(), undefined);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/ECONNREFUSED/);
  });

  it('follows a target to its new URL', async () => {
    const paths: string[] = [];
    answer = (req, res) => {
      paths.push(req.url!);
      res.end();
    };
    await sender.send(target(), item(), undefined);
    await sender.send(target({ url: url.replace('/hooks/fences?team=ops', '/v2') }), item(), undefined);
    expect(paths).toEqual(['/hooks/fences?team=ops', '/v2']);
  });
});
