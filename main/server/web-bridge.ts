import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { RpcError } from '../../shared/rpc';
import { encodeBinary } from '../../shared/wire';
import type { Engine } from '../engine';
import { rendererCsp, serveFile } from './static-files';

export interface WebBridgeOptions {
  engine: Engine;
  host: string;
  port: number;
  /** The built renderer (out/renderer). */
  staticDir: string;
  /** Fixed token for tests; random otherwise. */
  token?: string;
  log?: (line: string) => void;
}

export interface WebBridge {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** The cookie's name carries the port: cookies are shared by every port of a host, and each engine has its own token. */
const cookieName = (port: number) => `hexwatch_token_${port}`;
const MAX_MESSAGE_BYTES = 1 << 20;
/** A client this far behind skips heatmap frames instead of queueing them without bound. */
const MAX_BUFFERED_BYTES = 8 << 20;
/** A client this far behind on everything else (it does not read its replies) is cut off. */
const MAX_BACKLOG_BYTES = 32 << 20;

/**
 * Web mode's door: the built renderer over HTTP and the RPC contract over one WebSocket, on loopback
 * only. A random token is required (in the URL once, then an HttpOnly cookie); the Host header must be
 * the loopback address we bound (no DNS rebinding) and a browser Origin must be ours.
 */
export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const { engine, staticDir } = options;
  const log = options.log ?? (() => {});
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tokenBytes = Buffer.from(token);
  let port = 0;

  const bound = options.host.includes(':') ? `[${options.host}]` : options.host;
  const ownHosts = () => new Set([`${bound}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const validToken = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const b = Buffer.from(candidate);
    return b.length === tokenBytes.length && timingSafeEqual(b, tokenBytes);
  };
  const requestToken = (req: IncomingMessage, url: URL): string | undefined =>
    url.searchParams.get('token') || cookieValue(req.headers.cookie, cookieName(port));
  const securityHeaders = (): Record<string, string> => ({
    'Content-Security-Policy': rendererCsp([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`], engine.config.map.onlineBasemaps),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  });

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (!ownHosts().has(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('misdirected request: unknown Host\n');
      return;
    }
    if (!validToken(requestToken(req, url))) {
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('hexwatch: missing or wrong token; open the URL the engine printed\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const headers = securityHeaders();
    if (url.searchParams.has('token')) {
      headers['Set-Cookie'] = `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    if (!serveFile(staticDir, url.pathname, res, headers)) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/rpc') return refuse('404 Not Found');
    if (!ownHosts().has(req.headers.host ?? '')) return refuse('421 Misdirected Request');
    if (!validToken(requestToken(req, url))) return refuse('401 Unauthorized');
    const origin = req.headers.origin;
    // Browsers always send Origin on WebSockets; a foreign one is another site trying to ride our token.
    if (origin !== undefined && !ownHosts().has(origin.replace(/^http:\/\//, ''))) return refuse('403 Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  const serveSocket = (ws: WebSocket) => {
    const client = engine.connect();
    const send = (data: string | ArrayBuffer) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BACKLOG_BYTES) {
        log(`websocket: a client left ${ws.bufferedAmount} bytes unread; cut off`);
        ws.terminate();
        return;
      }
      ws.send(data);
    };
    const unsubscribe = client.onEvent((channel, payload) => {
      if (payload instanceof ArrayBuffer) {
        if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return;
        send(encodeBinary({ channel }, payload));
      } else {
        send(JSON.stringify({ channel, payload }));
      }
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let request: { id?: unknown; method?: unknown; params?: unknown };
      try {
        if (isBinary) throw new Error('binary requests are not part of the protocol');
        request = JSON.parse(data.toString());
        if (typeof request !== 'object' || request === null) throw new Error('a request is a JSON object');
      } catch (err) {
        send(JSON.stringify({ id: null, error: { code: 'invalid_params', message: `malformed request: ${(err as Error).message}` } }));
        return;
      }
      const id = typeof request.id === 'number' ? request.id : null;
      client.call(request.method as string, request.params).then(
        (result) => send(result instanceof ArrayBuffer ? encodeBinary({ id: id ?? undefined }, result) : JSON.stringify({ id, result })),
        (err: unknown) => {
          const body = err instanceof RpcError ? err.toBody() : { code: 'internal', message: String(err) };
          send(JSON.stringify({ id, error: body }));
        },
      );
    });
    ws.on('close', () => {
      unsubscribe();
      client.close();
    });
    ws.on('error', (err) => log(`websocket error: ${err.message}`));
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${bound}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
