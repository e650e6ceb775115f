// The server helpers other integration tests build on: real nats-server (JetStream) and tile38-server
// on free loopback ports, ready when they answer, gone after stop.
import { describe, expect, it } from 'vitest';
import { startNats, startTile38, tcpExchange, tile38ServerPath } from '../helpers';

describe('nats-server helper', () => {
  it('starts nats-server with JetStream on a free loopback port and stops it', async () => {
    const nats = await startNats();
    try {
      expect(nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      const info = await tcpExchange(nats.port, { until: /^INFO .*\r\n/ });
      const server = JSON.parse(info.slice(5, info.indexOf('\r\n'))) as { jetstream?: boolean; version?: string };
      expect(server.jetstream).toBe(true);
      // A client that says CONNECT and PING gets PONG: the server speaks the protocol, not just accepts.
      const pong = await tcpExchange(nats.port, { send: 'CONNECT {"verbose":false}\r\nPING\r\n', until: /PONG\r\n/ });
      expect(pong).toContain('PONG');
    } finally {
      await nats.stop();
    }
    await expect(tcpExchange(nats.port, { until: /INFO/, timeoutMs: 1000 })).rejects.toThrow();
  });

  it('runs two at once on different ports', async () => {
    const [a, b] = await Promise.all([startNats(), startNats()]);
    try {
      expect(a.port).not.toBe(b.port);
      expect(a.dataDir).not.toBe(b.dataDir);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe.skipIf(!tile38ServerPath())('tile38-server helper', () => {
  it('starts tile38-server on a free loopback port, answers PING, and stops', async () => {
    const tile38 = await startTile38();
    try {
      expect(tile38.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      const reply = await tcpExchange(tile38.port, { send: 'PING\r\n', until: /\r\n/ });
      expect(reply).toContain('PONG');
    } finally {
      await tile38.stop();
    }
  });
});
