import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
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

/**
 * Connection options from the settings and the environment. Passwords and tokens come from files or
 * HEXWATCH_NATS_PASSWORD / HEXWATCH_NATS_TOKEN, so they never sit in settings.json or reach a log.
 */
export function natsConnectionOptions(nats: Config['nats'], env: Readonly<Record<string, string | undefined>>): NodeConnectionOptions {
  const options: NodeConnectionOptions = {
    servers: nats.servers,
    name: 'hexwatch',
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    reconnectJitter: 500,
    timeout: 5000,
  };
  if (nats.user) {
    options.user = nats.user;
    options.pass = nats.passwordFile ? readSecret(nats.passwordFile, 'nats.passwordFile') : env.HEXWATCH_NATS_PASSWORD;
  }
  const token = nats.tokenFile ? readSecret(nats.tokenFile, 'nats.tokenFile') : env.HEXWATCH_NATS_TOKEN;
  if (token) options.token = token;
  if (nats.nkeySeedFile) {
    const seed = new TextEncoder().encode(readSecret(nats.nkeySeedFile, 'nats.nkeySeedFile'));
    options.authenticator = nkeyAuthenticator(seed);
  }
  if (nats.credsFile) {
    const creds = new TextEncoder().encode(readSecret(nats.credsFile, 'nats.credsFile'));
    options.authenticator = credsAuthenticator(creds);
  }
  if (nats.tlsCaFile || nats.tlsCertFile || nats.tlsKeyFile) {
    options.tls = {
      ...(nats.tlsCaFile ? { caFile: nats.tlsCaFile } : {}),
      ...(nats.tlsCertFile ? { certFile: nats.tlsCertFile } : {}),
      ...(nats.tlsKeyFile ? { keyFile: nats.tlsKeyFile } : {}),
    };
  }
  return options;
}
