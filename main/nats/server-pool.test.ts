import { describe, expect, it } from 'vitest';
import { ServerPool } from './server-pool';

/** A deterministic stand-in for Math.random: the values given, in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

const urls = (pool: ServerPool) => pool.order().map((s) => s.url);

describe('ServerPool', () => {
  it('keeps the seeds in order with noRandomize, and shuffles them otherwise', () => {
    const seeds = ['nats://a:4222', 'nats://b:4222', 'nats://c:4222'];
    expect(urls(new ServerPool(seeds, true))).toEqual(seeds);
    // Fisher–Yates with j = 0, then 0: c↔a, then b↔c.
    expect(urls(new ServerPool(seeds, false, sequence(0, 0)))).toEqual(['nats://b:4222', 'nats://c:4222', 'nats://a:4222']);
  });

  it('learns the servers a cluster advertises, with the seed’s scheme and credentials, once each', () => {
    const pool = new ServerPool(['tls://fleet:s3cret@nats.example.com:4222'], true);
    expect(pool.learn(['10.0.0.2:4222', '10.0.0.3:4222', 'nats.example.com:4222'])).toBe(2);
    expect(pool.learn(['10.0.0.2:4222'])).toBe(0);
    expect(pool.order()).toEqual([
      { url: 'tls://fleet:s3cret@nats.example.com:4222', discovered: false },
      // Reached by address, checked against the seed's name: the certificate names the cluster, not each IP.
      { url: 'tls://fleet:s3cret@10.0.0.2:4222', discovered: true, tlsName: 'nats.example.com' },
      { url: 'tls://fleet:s3cret@10.0.0.3:4222', discovered: true, tlsName: 'nats.example.com' },
    ]);
  });

  it('ignores what is not host:port, and IPv6 addresses in brackets are taken', () => {
    const pool = new ServerPool(['nats://127.0.0.1:4222'], true);
    expect(pool.learn(['', 'nats://x:1', 'no-port', 'a b:1', '[::1]:4223'])).toBe(1);
    expect(urls(pool)).toEqual(['nats://127.0.0.1:4222', 'nats://[::1]:4223']);
  });

  it('tries a server that failed or was lost last', () => {
    const pool = new ServerPool(['nats://a:1', 'nats://b:2'], true);
    pool.learn(['c:3']);
    pool.demote('nats://a:1');
    expect(urls(pool)).toEqual(['nats://b:2', 'nats://c:3', 'nats://a:1']);
    // Credentials in the URL do not make it another server.
    pool.demote('nats://u:p@b:2');
    expect(urls(pool)).toEqual(['nats://c:3', 'nats://a:1', 'nats://b:2']);
  });

  it('connects to the first server that takes it, sending those that fail last; a refusal is reported over a server not reached', async () => {
    const pool = new ServerPool(['nats://a:4222', 'nats://b:4222', 'nats://c:4222'], true);
    const open = (server: { url: string }) => (server.url.includes('c') ? Promise.resolve(server.url) : Promise.reject(new Error(`${server.url} refused`)));
    await expect(
      pool.firstTaking(
        open,
        () => false,
        () => false,
      ),
    ).resolves.toBe('nats://c:4222');
    expect(urls(pool)).toEqual(['nats://c:4222', 'nats://a:4222', 'nats://b:4222']);
    const none = (server: { url: string }) => Promise.reject(new Error(server.url.includes('a') ? 'authorization violation' : 'ECONNREFUSED'));
    await expect(
      pool.firstTaking(
        none,
        (err) => /authorization/.test((err as Error).message),
        () => false,
      ),
    ).rejects.toThrow('authorization violation');
  });
});
