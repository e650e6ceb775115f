import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from '../config';
import type { Tile38Settings } from './tile38-adapter';

/** The adapter's settings from the `tile38` section; undefined (the embedded engine) when no host is set. */
export function tile38Settings(c: Config['tile38'], nats: Config['nats'], env: Readonly<Record<string, string | undefined>>): Tile38Settings | undefined {
  if (!c.host) return undefined;
  let natsEndpoint: string | undefined;
  if (c.mode === 'hook') {
    const server = c.hookNats || nats.servers[0];
    if (!server)
      throw new ConfigError('invalid settings:\n  tile38.mode: hook mode needs a NATS for Tile38 to publish to: set tile38.hookNats or nats.servers');
    const u = new URL(server.replace(/^(tls|wss?):/, 'nats:'));
    natsEndpoint = `nats://${u.hostname}:${u.port || 4222}`;
  }
  let password = env.HEXWATCH_TILE38_PASSWORD;
  if (c.passwordFile) {
    try {
      password = readFileSync(c.passwordFile, 'utf8').trim();
    } catch (err) {
      throw new Error(`cannot read the tile38.passwordFile ${c.passwordFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  return {
    host: c.host,
    port: c.port,
    ...(password ? { password } : {}),
    tls: c.tls,
    key: c.key,
    expireS: c.expireS,
    mode: c.mode,
    ...(natsEndpoint ? { natsEndpoint } : {}),
    prefix: c.prefix,
    ...(c.followers.length ? { followers: c.followers.map(hostPort) } : {}),
  };
}

/** A follower's `host:port` (the schema has checked its shape). */
function hostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}
