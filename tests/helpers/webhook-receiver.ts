/**
 * A real HTTP receiver on loopback for delivery tests: it verifies every request's Standard Webhooks
 * signature with the `standardwebhooks` package, answers as the test's `respond` decides (a status,
 * or `hang` to let the sender time out), and keeps every request it saw.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type Response = number | 'hang' | { status: number; headers: Record<string, string> };

export interface ReceivedRequest {
  webhookId: string;
  body: string;
  /** The FenceEvent inside the body. */
  event: { fence_id: string; device_id: string; timestamp: number; event_type: string };
  verified: boolean;
  verifyError?: string;
  answered: number | 'hang';
  at: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Requests answered 2xx, in the order they were answered. */
  delivered(): ReceivedRequest[];
  respond: (request: ReceivedRequest, index: number) => Response;
  close(): Promise<void>;
}

/** A whsec_ secret for tests. */
export const TEST_SECRET = `whsec_${Buffer.from('hexwatch-test-signing-key-0123456789').toString('base64')}`;

export async function startWebhookReceiver(
  options: { secret?: string; respond?: (r: ReceivedRequest, index: number) => Response } = {},
): Promise<WebhookReceiver> {
  const verifier = new Webhook(options.secret ?? TEST_SECRET);
  const hanging = new Set<http.ServerResponse>();
  const receiver: WebhookReceiver = {
    url: '',
    requests: [],
    delivered: () => receiver.requests.filter((r) => typeof r.answered === 'number' && r.answered >= 200 && r.answered < 300),
    respond: options.respond ?? (() => 200),
    close: () =>
      new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const r: ReceivedRequest = {
        webhookId: headers['webhook-id'] ?? '',
        body,
        event: (JSON.parse(body) as { data: ReceivedRequest['event'] }).data,
        verified: false,
        answered: 'hang',
        at: Date.now(),
      };
      try {
        verifier.verify(body, headers);
        r.verified = true;
      } catch (err) {
        r.verifyError = (err as Error).message;
      }
      const index = receiver.requests.push(r) - 1;
      const answer = r.verified ? receiver.respond(r, index) : 401;
      if (answer === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      const { status, headers: extra } = typeof answer === 'number' ? { status: answer, headers: {} } : answer;
      r.answered = status;
      res.writeHead(status, { 'content-type': 'text/plain', ...extra }).end(status < 300 ? 'ok' : `no (${status})`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (receiver as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return receiver;
}
