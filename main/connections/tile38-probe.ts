import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';

/** What a Tile38 server said about itself, for the Connections screen. */
export interface Tile38ProbeAnswer {
  address: string;
  version: string;
  /** The server's own id and whether it follows a leader (then it is read-only). */
  id?: string;
  following?: string;
  /** Objects and collections it holds (its statistics: num_objects, num_collections). */
  objects?: number;
  collections?: number;
}

export type Tile38ProbeResult = { ok: true; server: Tile38ProbeAnswer } | { ok: false; error: string };

export interface Tile38Target {
  host: string;
  port: number;
  tls: boolean;
  password?: string;
}

/**
 * Connects once (no retries), authenticates, asks SERVER and INFO, and disconnects: the server's version
 * and role, or its refusal in its own words (invalid password, a refused connection with the address
 * tried, no answer in time).
 */
export async function probeTile38(target: Tile38Target, timeoutMs = 5000): Promise<Tile38ProbeResult> {
  const address = `${target.host}:${target.port}`;
  if (!target.host) return { ok: false, error: 'no host: give the Tile38 server’s host name or address' };
  // Loaded only here and in Tile38 mode: start-up without Tile38 never pays for it.
  const { Redis } = createRequire(import.meta.url)('ioredis') as typeof IORedis;
  const client = new Redis({
    host: target.host,
    port: target.port,
    ...(target.password ? { password: target.password } : {}),
    ...(target.tls ? { tls: {} } : {}),
    lazyConnect: true,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  });
  // A failed connect rejects with "Connection is closed"; why it closed comes first, as an error event.
  let why: Error | undefined;
  client.on('error', (err: Error) => (why ??= err));
  try {
    await client.connect();
    const stats = pairsOf(await client.call('SERVER'));
    const version = String(stats.version ?? '');
    if (!version) return { ok: false, error: `${address} answered, but not as Tile38 does (no version in SERVER): is it a Redis?` };
    const info = await client.call('INFO', 'replication').catch(() => '');
    const following = /master_host:(\S+)/.exec(String(info))?.[1];
    return {
      ok: true,
      server: {
        address,
        version,
        ...(stats.id ? { id: String(stats.id) } : {}),
        ...(following ? { following: `${following}:${/master_port:(\d+)/.exec(String(info))?.[1] ?? ''}` } : {}),
        ...(stats.num_objects !== undefined ? { objects: Number(stats.num_objects) } : {}),
        ...(stats.num_collections !== undefined ? { collections: Number(stats.num_collections) } : {}),
      },
    };
  } catch (err) {
    return { ok: false, error: refusal(address, why ?? (err as Error), target, timeoutMs) };
  } finally {
    client.disconnect();
  }
}

/** SERVER answers key, value, key, value… (RESP) or a JSON object (RESP in JSON output mode). */
function pairsOf(reply: unknown): Record<string, unknown> {
  if (Array.isArray(reply)) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
    return out;
  }
  if (typeof reply === 'string' && reply.startsWith('{'))
    return ((JSON.parse(reply) as { stats?: Record<string, unknown> }).stats ?? {}) as Record<string, unknown>;
  return {};
}

function refusal(address: string, err: Error, target: Tile38Target, timeoutMs: number): string {
  const m = err.message;
  if (/invalid password|NOAUTH|authentication required/i.test(m))
    return target.password ? `${address} refused the password: ${m}` : `${address} asks for a password: ${m}`;
  if (/ECONNREFUSED/.test(m)) return `${address} refused the connection (is tile38-server running, on this port?): ${m}`;
  if (/timeout|ETIMEDOUT/i.test(m)) return `${address} did not answer within ${timeoutMs / 1000} s: ${m}`;
  return `${address}: ${m}`;
}
