import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator, type Authenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { Config } from '../config';

/** A server URL fit for logs and the status bar: any user:password@ is removed. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

function readSecret(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new Error(`cannot read the ${what} file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** How to authenticate and encrypt: what both the nats.js connection and the ingest socket (nats-socket.ts) use. */
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
    const pass = nats.passwordFile ? readSecret(nats.passwordFile, 'nats.passwordFile') : env.HEXWATCH_NATS_PASSWORD;
    parts.push(() => ({ user: nats.user, ...(pass === undefined ? {} : { pass }) }));
  }
  const token = nats.tokenFile ? readSecret(nats.tokenFile, 'nats.tokenFile') : env.HEXWATCH_NATS_TOKEN;
  if (token) parts.push(() => ({ auth_token: token }));
  if (nats.credsFile) parts.push(credsAuthenticator(new TextEncoder().encode(readSecret(nats.credsFile, 'nats.credsFile'))));
  else if (nats.nkeySeedFile) parts.push(nkeyAuthenticator(new TextEncoder().encode(readSecret(nats.nkeySeedFile, 'nats.nkeySeedFile'))));
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

/** nats.js connection options from the settings (the stream and consumer set-up, the simulator's publisher). */
export function natsConnectionOptions(nats: Config['nats'], env: Readonly<Record<string, string | undefined>>): NodeConnectionOptions {
  const { authenticator, tls } = natsAuth(nats, env);
  return {
    servers: nats.servers,
    name: 'hexwatch',
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    reconnectJitter: 500,
    timeout: 5000,
    authenticator,
    ...(tls ? { tls } : {}),
  };
}
