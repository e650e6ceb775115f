import { randomBytes } from 'node:crypto';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { hostOf, readSettingFile, redactUrl, serverUrl, urlCredentials, type NatsAuth } from './options';
import type { PoolServer } from './server-pool';
import { WireParser, readStatus, pubCommand, type MessageRanges } from './wire';

/** What the server itself refused (an -ERR line): a setting to fix, not a connection to wait for. */
export class NatsServerError extends Error {}

/** The parts of a server's INFO that the client acts on. */
export interface ServerInfo {
  /** Client addresses of the other servers of its cluster ("host:port"). */
  connect_urls?: string[];
  /** Set when the server is in a cluster. */
  cluster?: string;
  /** The server is entering lame duck mode: it will close its clients soon. */
  ldm?: boolean;
  tls_required?: boolean;
  tls_available?: boolean;
  /** The server's release (nats-server's version), for the About box. */
  version?: string;
  /** Its name (server_name in its config, else its id), and whether JetStream is on: the Connections screen shows them. */
  server_name?: string;
  server_id?: string;
  jetstream?: boolean;
  nonce?: string;
}

export interface NatsSocketOptions {
  auth: NatsAuth;
  /** Called for every message of the subscription made with `subscribe`, with ranges into the socket's bytes. */
  onMessage: MessageRanges;
  /** A later INFO (a cluster's servers changed, or lame duck mode). */
  onInfo?: (info: ServerInfo) => void;
  timeoutMs?: number;
  /** An idle connection is pinged this often; `maxPingsOut` unanswered PINGs end it. */
  pingIntervalMs?: number;
  maxPingsOut?: number;
}

// The caller's one subscription, and the one that collects replies to `request`.
const SUBSCRIPTION = 1;
const REPLIES = 2;

/**
 * One NATS connection on a plain (or TLS) socket, for ingest's hot path: messages reach `onMessage`
 * as byte ranges, and commands go out as bytes. nats.js builds a message object and several strings
 * per message, which was most of the reader's time. Requests (the JetStream API) get their replies
 * on an inbox of their own. No reconnect logic here: the reader's loop opens a new one.
 */
export class NatsSocket {
  /** Time (Date.now) the server was last heard from. */
  lastHeard = Date.now();
  /** Settles when the connection ends, with what ended it. */
  readonly closed: Promise<Error>;
  /** PINGs sent and not answered yet. */
  pingsOut = 0;
  private finish!: (err: Error) => void;
  private ended = false;
  private serverError = '';
  private readonly replyInbox = `_INBOX.${randomBytes(12).toString('hex')}`;
  private readonly waiting = new Map<number, { resolve: (reply: Buffer) => void; reject: (err: Error) => void }>();
  private nextRequest = 0;
  private pinger: NodeJS.Timeout | undefined;

  private constructor(
    private readonly socket: Socket | TLSSocket,
    /** The server's URL as settings name it, fit for logs (no credentials). */
    readonly server: string,
    /** The URL connected to, credentials included (the pool's key). */
    readonly url: string,
    /** The INFO the server greeted with. */
    readonly info: ServerInfo,
    private readonly maxPingsOut: number,
  ) {
    this.closed = new Promise((resolve) => (this.finish = resolve));
  }

  /** Connects to one server, authenticated, with TLS when the server or the settings ask for it. */
  static async open(target: PoolServer | string, options: NatsSocketOptions): Promise<NatsSocket> {
    const { url, tlsName } = typeof target === 'string' ? { url: target, tlsName: undefined } : target;
    const { auth, onMessage, timeoutMs = 5000 } = options;
    const where = serverUrl(url);
    const shown = redactUrl(url);
    if (where.protocol !== 'nats:' && where.protocol !== 'tls:') throw new Error(`${shown}: ingest connects over nats:// or tls://, not ${where.protocol}//`);
    const host = hostOf(where);
    const port = Number(where.port || 4222);
    const raw = netConnect({ host, port });
    raw.setNoDelay(true);
    const fail = (err: Error) => new Error(`${shown}: ${err.message}`);
    const deadline = setTimeout(() => raw.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs);
    try {
      const line = await firstLine(raw);
      // From here the TLS socket or the handshake reports what goes wrong; an error on the raw socket in between must not go unheard.
      raw.on('error', () => {});
      if (!line.startsWith('INFO ')) throw new Error(`not a NATS server (it said ${JSON.stringify(line.slice(0, 40))})`);
      const info = JSON.parse(line.slice(5)) as ServerInfo;
      const wantTls = where.protocol === 'tls:' || auth.tls !== undefined;
      if (wantTls && !info.tls_required && !info.tls_available) throw new Error('TLS is set but the server does not offer it');
      const socket = wantTls || info.tls_required ? await upgrade(raw, host, auth, tlsName) : raw;
      const connect = {
        verbose: false,
        pedantic: false,
        tls_required: socket !== raw,
        name: 'hexwatch ingest',
        lang: 'hexwatch',
        version: '1',
        protocol: 1,
        headers: true,
        no_responders: true,
        ...urlCredentials(where),
        ...auth.authenticator(info.nonce),
      };
      const conn = new NatsSocket(socket, shown, url, info, options.maxPingsOut ?? 2);
      await conn.handshake(JSON.stringify(connect), onMessage, options.onInfo);
      if (options.pingIntervalMs) conn.pinger = setInterval(() => conn.ping(), options.pingIntervalMs);
      return conn;
    } catch (err) {
      raw.destroy();
      throw fail(err as Error);
    } finally {
      clearTimeout(deadline);
    }
  }

  /** True when the server is one of a cluster (its INFO says so or lists other servers). */
  get inCluster(): boolean {
    return Boolean(this.info.cluster) || (this.info.connect_urls?.length ?? 0) > 0;
  }

  /**
   * Sends a PING, unless `maxPingsOut` are already unanswered: then the server is taken for hung and
   * the connection ends (as the official clients do). False when it ended.
   */
  ping(): boolean {
    if (this.ended) return false;
    if (this.pingsOut >= this.maxPingsOut) {
      const silent = Math.round((Date.now() - this.lastHeard) / 100) / 10;
      this.socket.destroy(new Error(`the server did not answer ${this.pingsOut} PINGs (silent for ${silent} s)`));
      return false;
    }
    this.pingsOut++;
    this.socket.write('PING\r\n');
    return true;
  }

  /** Sends CONNECT and a PING; the PONG says the server took them, an -ERR says why not. */
  private handshake(connect: string, onMessage: MessageRanges, onInfo: ((info: ServerInfo) => void) | undefined): Promise<void> {
    const { socket } = this;
    let ready: (err?: Error) => void = () => {};
    const answered = new Promise<void>((resolve, reject) => (ready = (err) => (err ? reject(err) : resolve())));
    let connected = false;
    const parser = new WireParser({
      message: (sid, buf, subjectStart, subjectEnd, replyStart, replyEnd, headerStart, dataStart, dataEnd) => {
        if (sid === SUBSCRIPTION) onMessage(buf, subjectStart, subjectEnd, replyStart, replyEnd, headerStart, dataStart, dataEnd);
        else if (sid === REPLIES) this.reply(buf, subjectEnd, headerStart, dataStart, dataEnd);
      },
      control: (op, arg) => {
        if (op === 'PING') socket.write('PONG\r\n');
        else if (op === '-ERR') {
          // Most server errors close the connection; the rest (a permissions violation) would leave ingest
          // running with nothing to read, so every one ends it and the reader shows it while it retries.
          this.serverError = arg.replace(/^'|'$/g, '');
          if (!connected) ready(new NatsServerError(`the server refused: ${this.serverError}`));
          else socket.destroy(new NatsServerError(`the server said: ${this.serverError}`));
        } else if (op === 'PONG') {
          this.pingsOut = 0;
          if (!connected) {
            connected = true;
            ready();
          }
        } else if (op === 'INFO' && connected) {
          try {
            onInfo?.(JSON.parse(arg) as ServerInfo);
          } catch {
            // An INFO that is not JSON tells nothing the connection needs.
          }
        }
      },
    });
    socket.on('data', (chunk: Buffer) => {
      this.lastHeard = Date.now();
      try {
        parser.push(chunk);
      } catch (err) {
        socket.destroy(err as Error);
      }
    });
    // What the first reader put back (paused) flows on to the parser.
    socket.resume();
    socket.on('error', (err) => {
      if (!connected) ready(err);
      this.end(err);
    });
    socket.on('close', () => {
      const why = new Error(this.serverError ? `the server closed the connection: ${this.serverError}` : 'the server closed the connection');
      if (!connected) ready(why);
      this.end(why);
    });
    socket.write(`CONNECT ${connect}\r\nPING\r\n`);
    return answered;
  }

  private end(err: Error): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.pinger);
    for (const { reject } of this.waiting.values()) reject(err);
    this.waiting.clear();
    this.finish(err);
  }

  /** Subscribes `onMessage` to `subject`. */
  subscribe(subject: string): void {
    this.write(`SUB ${subject} ${SUBSCRIPTION}\r\n`);
  }

  /** Publishes `payload` to `subject` and resolves with the reply's body; a server with no responder (503) or no reply in time rejects. */
  request(subject: string, payload: string, timeoutMs = 5000): Promise<Buffer> {
    if (this.ended) return Promise.reject(new Error('the connection is closed'));
    if (this.nextRequest === 0) this.write(`SUB ${this.replyInbox}.* ${REPLIES}\r\n`);
    const id = ++this.nextRequest;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no reply to ${subject} in ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const settle =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          this.waiting.delete(id);
          f(v);
        };
      this.waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.write(pubCommand(subject, payload, `${this.replyInbox}.${id}`));
    });
  }

  private reply(buf: Buffer, subjectEnd: number, headerStart: number, dataStart: number, dataEnd: number): void {
    const id = Number(buf.toString('latin1', buf.lastIndexOf(0x2e, subjectEnd - 1) + 1, subjectEnd));
    const waiter = this.waiting.get(id);
    if (!waiter) return; // timed out already
    const status = dataStart > headerStart ? readStatus(buf, headerStart, dataStart) : undefined;
    if (status?.code === 503) waiter.reject(new Error('no responders (is JetStream enabled on the server?)'));
    else waiter.resolve(Buffer.from(buf.subarray(dataStart, dataEnd)));
  }

  /** Writes to the server; false when the connection has ended (nothing was written). */
  write(data: Buffer | string): boolean {
    if (this.ended) return false;
    this.socket.write(data);
    return true;
  }

  /** Sends what is buffered (the last acks) and closes; a peer that does not finish within a second is cut off. */
  close(): void {
    if (this.ended) return; // closing already, or closed by the server or an error
    this.end(new Error('closed'));
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }
}

/** The first protocol line the server sends (its INFO), read without consuming anything after it. */
function firstLine(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const eol = seen.indexOf('\r\n');
      if (eol < 0) {
        if (seen.length > 64 * 1024) done(new Error('the server sent no INFO line'));
        return;
      }
      done(undefined, seen.toString('utf8', 0, eol));
      // Anything after INFO (a server that gave up waiting for CONNECT says so at once) belongs to the next reader:
      // put back while paused, after this reader has gone, or unshift would hand it straight back to this one.
      if (eol + 2 < seen.length) {
        socket.pause();
        socket.unshift(seen.subarray(eol + 2));
      }
    };
    const onError = (err: Error) => done(err);
    const onClose = () => done(new Error('the connection closed before the server said hello'));
    // The server says nothing more until CONNECT, so nothing is lost between this reader and the next.
    const done = (err?: Error, line?: string) => {
      socket.off('data', onData).off('error', onError).off('close', onClose);
      if (err) reject(err);
      else resolve(line!);
    };
    socket.on('data', onData).on('error', onError).on('close', onClose);
  });
}

/** TLS over the raw socket; `tlsName` names the server when it was reached by an address a cluster advertised. */
function upgrade(raw: Socket, host: string, auth: NatsAuth, tlsName: string | undefined): Promise<TLSSocket> {
  const files = auth.tls ?? {};
  const read = (path: string | undefined, setting: string) => (path ? readSettingFile(path, setting) : undefined);
  const options = {
    socket: raw,
    // Node checks the certificate against servername || host || 'localhost': with a socket given, host only names the server.
    host: tlsName ?? host,
    ca: read(files.caFile, 'nats.tlsCaFile'),
    cert: read(files.certFile, 'nats.tlsCertFile'),
    key: read(files.keyFile, 'nats.tlsKeyFile'),
    ...(tlsName ? { servername: tlsName } : isIP(host) ? {} : { servername: host }),
  };
  return new Promise((resolve, reject) => {
    const tls = tlsConnect(options, () => {
      tls.off('error', reject);
      resolve(tls);
    });
    tls.once('error', reject);
  });
}
