import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import type { Config } from '../config';
import { hostOf, natsAuth, NatsSocket, redactUrl, serverUrl } from '../nats';

/** What a NATS server said about itself when asked, for the Connections screen. */
export interface NatsProbeAnswer {
  url: string;
  name: string;
  version: string;
  cluster?: string;
  jetstream: boolean;
  /** JetStream's account figures, when it is on. */
  account?: { streams: number; consumers: number; memory: number; storage: number };
  /** The positions stream the settings name: whether it is there, and how many messages it holds. */
  stream?: { name: string; exists: boolean; messages?: number; subjects?: string[] };
}

export type NatsProbeResult = { ok: true; server: NatsProbeAnswer } | { ok: false; error: string };

/**
 * Connects to the first server that answers with these settings, asks it who it is and what JetStream
 * holds, and disconnects. A refusal comes back as the server's own words (Authorization Violation, a
 * TLS verification error naming the certificate it was shown, a timeout with the address tried), never
 * a stack trace. Nothing is published or consumed.
 */
export async function probeNats(nats: Config['nats'], env: Readonly<Record<string, string | undefined>>, timeoutMs = 5000): Promise<NatsProbeResult> {
  if (nats.servers.length === 0) return { ok: false, error: 'no server: give at least one nats:// or tls:// URL' };
  let auth;
  try {
    auth = natsAuth(nats, env);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const errors: string[] = [];
  for (const server of nats.servers) {
    let socket: NatsSocket | undefined;
    try {
      socket = await NatsSocket.open(server, { auth, onMessage: () => {}, timeoutMs });
      const info = socket.info;
      const answer: NatsProbeAnswer = {
        url: redactUrl(server),
        name: info.server_name ?? info.server_id ?? '',
        version: info.version ?? '',
        ...(info.cluster ? { cluster: info.cluster } : {}),
        jetstream: info.jetstream === true,
      };
      if (answer.jetstream) {
        const account = JSON.parse((await socket.request('$JS.API.INFO', '', timeoutMs)).toString()) as JsAccount;
        if (!account.error)
          answer.account = { streams: account.streams ?? 0, consumers: account.consumers ?? 0, memory: account.memory ?? 0, storage: account.storage ?? 0 };
        const stream = JSON.parse((await socket.request(`$JS.API.STREAM.INFO.${nats.stream}`, '', timeoutMs)).toString()) as JsStream;
        answer.stream = stream.error
          ? { name: nats.stream, exists: false }
          : { name: nats.stream, exists: true, messages: stream.state?.messages ?? 0, subjects: stream.config?.subjects ?? [] };
      }
      return { ok: true, server: answer };
    } catch (err) {
      errors.push(await explain(server, err as Error, nats, timeoutMs));
    } finally {
      socket?.close();
    }
  }
  return { ok: false, error: errors.join('; ') };
}

interface JsAccount {
  streams?: number;
  consumers?: number;
  memory?: number;
  storage?: number;
  error?: { description: string };
}
interface JsStream {
  state?: { messages: number };
  config?: { subjects?: string[] };
  error?: { description: string };
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS_CERT_ALTNAME|HOSTNAME/;

/** The refusal as the analyst should read it: a certificate that failed names itself and its issuer. */
async function explain(server: string, err: Error, nats: Config['nats'], timeoutMs: number): Promise<string> {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (!TLS_CODES.test(code) && !/certificate/i.test(err.message)) return err.message;
  const where = serverUrl(server);
  const cert = await peerCertificate(hostOf(where), Number(where.port || 4222), timeoutMs).catch(() => undefined);
  const shown = cert ? ` (the server showed ${describe(cert)})` : '';
  const hint = nats.tlsCaFile ? '' : ': give the CA that signed it as the TLS CA file';
  return `${err.message}${shown}${hint}`;
}

/** The certificate a TLS server presents, read without trusting it (the probe sends nothing over it). */
async function peerCertificate(host: string, port: number, timeoutMs: number): Promise<PeerCertificate> {
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const raw = connect({ host, port });
    const timer = setTimeout(() => raw.destroy(new Error('timeout')), timeoutMs);
    raw.once('error', reject);
    // NATS greets in plain text, then the client upgrades: read the greeting, then the handshake's certificate.
    raw.once('data', () => {
      const tls = tlsConnect({ socket: raw, rejectUnauthorized: false, ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }) }, () => {
        clearTimeout(timer);
        const cert = tls.getPeerCertificate();
        tls.destroy();
        resolve(cert);
      });
      tls.once('error', reject);
    });
  });
}

function describe(cert: PeerCertificate): string {
  const name = (part: Record<string, unknown> | undefined) =>
    part
      ? Object.entries(part)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ')
      : '?';
  const alt = cert.subjectaltname ? `, for ${cert.subjectaltname}` : '';
  return `${name(cert.subject as unknown as Record<string, unknown>)}${alt}, issued by ${name(cert.issuer as unknown as Record<string, unknown>)}`;
}
