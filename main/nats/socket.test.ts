import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NatsAuth } from './options';
import { NatsSocket } from './socket';

const INFO = `INFO ${JSON.stringify({ server_id: 'X', server_name: 'slow', version: '2.15.2', auth_required: true, max_payload: 1048576 })}\r\n`;
let server: Server | undefined;

afterEach(() => server?.close());

/** A server on loopback that answers each connection with exactly these bytes, in one write. */
async function serverSaying(bytes: string): Promise<string> {
  server = createServer((socket) => socket.end(bytes));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `nats://127.0.0.1:${address.port}`;
}

describe('opening a NATS connection', () => {
  it('hears a refusal sent in the same packet as INFO (a server that gave up waiting for CONNECT), and says it', async () => {
    const url = await serverSaying(`${INFO}-ERR 'Authentication Timeout'\r\n`);
    const open = NatsSocket.open(url, { auth: { authenticator: () => ({}) as ReturnType<NatsAuth['authenticator']> }, onMessage: () => {}, timeoutMs: 3000 });
    await expect(open).rejects.toThrow(/Authentication Timeout/);
  });
});
