import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import type * as NatsNode from '@nats-io/transport-node';
import type { Authenticator, NodeConnectionOptions } from '@nats-io/transport-node';
import type { Config } from '../config';

/** A server URL fit for logs and the status bar: any user:password@ is removed. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/** A file a setting names (a password, token, seed, creds, certificate or key), or an error that says which setting and why. */
export function readSettingFile(path: string, setting: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new Error(`cannot read the ${setting} file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** How to authenticate and encrypt: what both the nats.js connection and the ingest socket (socket.ts) use. */
export interface NatsAuth {
  /** CONNECT's credential fields for the server's nonce: user and pass, auth_token, an NKey's signature or a JWT. */
  authenticator: Authenticator;
  /** Set when settings name a CA, certificate or key: the connection must be TLS. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

/**
 * Credentials from the settings and the environment. Passwords and tokens come from files or
 * HEXWATCH_NATS_PASSWORD / HEXWATCH_NATS_TOKEN, so they never sit in settings.json or reach a log.
 */
export function natsAuth(nats: Config['nats'], env: Readonly<Record<string, string | undefined>>): NatsAuth {
  const parts: Authenticator[] = [];
  if (nats.user) {
    const pass = nats.passwordFile ? readSettingFile(nats.passwordFile, 'nats.passwordFile') : env.HEXWATCH_NATS_PASSWORD;
    parts.push(() => ({ user: nats.user, ...(pass === undefined ? {} : { pass }) }));
  }
  const token = nats.tokenFile ? readSettingFile(nats.tokenFile, 'nats.tokenFile') : env.HEXWATCH_NATS_TOKEN;
  if (token) parts.push(() => ({ auth_token: token }));
  if (nats.credsFile || nats.nkeySeedFile) {
    // nats.js signs the server's nonce; it is loaded only here, so it costs no start-up time without NATS.
    const { credsAuthenticator, nkeyAuthenticator } = createRequire(import.meta.url)('@nats-io/transport-node') as typeof NatsNode;
    if (nats.credsFile) parts.push(credsAuthenticator(new TextEncoder().encode(readSettingFile(nats.credsFile, 'nats.credsFile'))));
    else parts.push(nkeyAuthenticator(new TextEncoder().encode(readSettingFile(nats.nkeySeedFile, 'nats.nkeySeedFile'))));
  }
  const authenticator: Authenticator = (nonce) => Object.assign({}, ...parts.map((a) => a(nonce)));
  if (!(nats.tlsCaFile || nats.tlsCertFile || nats.tlsKeyFile)) return { authenticator };
  return {
    authenticator,
    tls: {
      ...(nats.tlsCaFile ? { caFile: nats.tlsCaFile } : {}),
      ...(nats.tlsCertFile ? { certFile: nats.tlsCertFile } : {}),
      ...(nats.tlsKeyFile ? { keyFile: nats.tlsKeyFile } : {}),
    },
  };
}

/** A server setting as a URL (nats:// when it names no scheme). */
export function serverUrl(server: string): URL {
  return new URL(server.includes('://') ? server : `nats://${server}`);
}

/** A server URL's host, without the brackets of an IPv6 address. */
export function hostOf(where: URL): string {
  return where.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** CONNECT's fields for user:password@ or token@ in a server URL. */
export function urlCredentials(where: URL): Record<string, string> {
  if (!where.username) return {};
  const user = decodeURIComponent(where.username);
  return where.password ? { user, pass: decodeURIComponent(where.password) } : { auth_token: user };
}

/** nats.js connection options from the settings (the simulator's publisher, the NATS queue target, Tile38's hook intake). */
export function natsConnectionOptions(nats: Config['nats'], env: Readonly<Record<string, string | undefined>>): NodeConnectionOptions {
  const { authenticator, tls } = natsAuth(nats, env);
  const urls = nats.servers.map(serverUrl);
  // nats.js ignores user:password@ and token@ in a server URL: they reach CONNECT through the authenticator.
  const withCredentials = urls.find((u) => u.username);
  const fromUrl = withCredentials ? urlCredentials(withCredentials) : {};
  // nats.js gives Node no host name for an IP address, so the certificate is checked against "localhost"
  // (nats-io/nats.js#303); `host`, passed through to tls.connect, names the address (one host for all servers only).
  const hosts = new Set(urls.map(hostOf));
  const ip = hosts.size === 1 ? [...hosts].find((h) => isIP(h)) : undefined;
  return {
    servers: nats.servers.map(redactUrl),
    name: 'hexwatch',
    reconnect: true,
    maxReconnectAttempts: -1,
    // The same failover rules as ingest's own socket: the cluster's servers (nats.js learns them from INFO), in random order, pinged.
    noRandomize: nats.noRandomize,
    pingInterval: nats.pingIntervalS * 1000,
    maxPingOut: nats.maxPingsOut,
    reconnectTimeWait: 1000,
    reconnectJitter: 500,
    timeout: 5000,
    authenticator: (nonce) => Object.assign({}, fromUrl, authenticator(nonce)),
    ...(tls ? { tls: ip ? ({ ...tls, host: ip } as NodeConnectionOptions['tls']) : tls } : {}),
  };
}
