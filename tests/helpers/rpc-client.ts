/**
 * A test client of the web bridge's WebSocket (framing in shared/wire.ts): calls by id, keeps events
 * apart, and reports a refused upgrade with its HTTP status.
 */
import WebSocket from 'ws';
import type { ChannelName, PayloadOf } from '../../shared/rpc';
import { decodeBinary } from '../../shared/wire';
import { typedCall, type Call } from './typed-call';

export interface RpcReply {
  id: number | null;
  result?: unknown;
  error?: { code: string; message: string; issues?: { path: string; message: string }[] };
}

export interface TestRpcClient {
  readonly socket: WebSocket;
  /** Sends {id, method, params} and resolves with the reply of that id (result or error, as sent). */
  call(method: string, params?: unknown, timeoutMs?: number): Promise<RpcReply>;
  /** Sends any text, e.g. a malformed request. */
  sendRaw(text: string): void;
  /** Events received so far: {channel, payload} texts and binary frames' headers. */
  readonly events: { channel: string; payload?: unknown; bytes?: number }[];
  close(): Promise<void>;
}

export type ConnectOutcome = { ok: true; client: TestRpcClient } | { ok: false; status?: number; error: string };

/** Opens `ws://<host:port>/rpc?token=…` with the given Origin (none if undefined). */
export function connectRpc(url: string, options: { origin?: string; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { origin: options.origin, handshakeTimeout: options.timeoutMs ?? 10_000, headers: options.headers });
    let settled = false;
    const settle = (outcome: ConnectOutcome) => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    socket.once('unexpected-response', (_req, res) => {
      settle({ ok: false, status: res.statusCode, error: `HTTP ${res.statusCode}` });
      socket.terminate();
    });
    socket.once('error', (err) => {
      const status = /Unexpected server response: (\d+)/.exec(err.message)?.[1];
      settle({ ok: false, status: status ? Number(status) : undefined, error: err.message });
    });
    socket.once('open', () => settle({ ok: true, client: wrap(socket) }));
  });
}

function wrap(socket: WebSocket): TestRpcClient {
  let nextId = 1;
  const pending = new Map<number | null, (reply: RpcReply) => void>();
  const events: TestRpcClient['events'] = [];
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      const buf = data as Buffer;
      const { header, body } = decodeBinary(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
      if (header.channel) events.push({ channel: header.channel, bytes: body.byteLength });
      else if (header.id !== undefined) pending.get(header.id)?.({ id: header.id, result: body });
      return;
    }
    const message = JSON.parse(data.toString()) as RpcReply & { channel?: string; payload?: unknown };
    if (message.channel) {
      events.push({ channel: message.channel, payload: message.payload });
      return;
    }
    const waiter = pending.get(message.id) ?? pending.get(null);
    waiter?.(message);
  });
  return {
    socket,
    events,
    call(method, params = {}, timeoutMs = 10_000) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`no reply to ${method} (id ${id}) within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, (reply) => {
          clearTimeout(timer);
          pending.delete(id);
          resolve(reply);
        });
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    sendRaw: (text) => socket.send(text),
    close: () =>
      new Promise((resolve) => {
        if (socket.readyState === socket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}

/** A client's calls typed from the contract, resolving with the result and rejecting with an error reply's message. */
export function callOf(client: TestRpcClient, timeoutMs?: number): Call {
  return typedCall(async (method, params, ms) => {
    const reply = await client.call(method, params, ms ?? timeoutMs);
    if (reply.error) throw new Error(`${method}: ${reply.error.message}`);
    return reply.result;
  });
}

/** The payloads a client has heard on `channel` so far, typed from the contract. */
export function payloadsOf<C extends ChannelName>(client: TestRpcClient, channel: C): PayloadOf<C>[] {
  return client.events.filter((e) => e.channel === channel).map((e) => e.payload as PayloadOf<C>);
}
