import {
  RpcError,
  type ChannelName,
  type MethodName,
  type ParamsOf,
  type PayloadOf,
  type ResultOf,
  type RpcClient,
  type RpcErrorBody,
} from '../../../shared/rpc';
import { decodeBinary } from '../../../shared/wire';

export type ConnectionState = { state: 'connecting' | 'open' } | { state: 'closed'; retryAt: number; reason: string };

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

/**
 * Web mode's transport: one WebSocket to the engine (framing in shared/wire.ts), reconnected with
 * backoff. Calls made while it is down wait for the connection; `onReopen` lets the app restore state.
 */
export class WsRpcClient implements RpcClient {
  private ws: WebSocket | undefined;
  private nextId = 1;
  private attempt = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private readonly reopenListeners = new Set<() => void>();
  private opened: Promise<void>;
  private markOpen: () => void = () => {};
  state: ConnectionState = { state: 'connecting' };

  constructor(private readonly url: string) {
    this.opened = new Promise((r) => (this.markOpen = r));
    this.open();
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  onReopen(listener: () => void): () => void {
    this.reopenListeners.add(listener);
    return () => this.reopenListeners.delete(listener);
  }

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    await this.opened;
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws!.send(JSON.stringify({ id, method, params }));
    });
  }

  subscribe<C extends ChannelName>(channel: C, listener: (payload: PayloadOf<C>) => void): () => void {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener as (payload: unknown) => void);
    this.listeners.set(channel, set);
    return () => set.delete(listener as (payload: unknown) => void);
  }

  private setState(s: ConnectionState): void {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  private open(): void {
    const ws = new WebSocket(this.url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.setState({ state: 'connecting' });
    ws.onopen = () => {
      const again = this.attempt > 0;
      this.attempt = 0;
      this.setState({ state: 'open' });
      this.markOpen();
      if (again) for (const l of this.reopenListeners) l();
    };
    ws.onmessage = (ev: MessageEvent) => this.receive(ev.data as string | ArrayBuffer);
    ws.onclose = (ev) => {
      this.opened = new Promise((r) => (this.markOpen = r));
      for (const p of this.pending.values()) p.reject(new RpcError({ code: 'unavailable', message: 'the connection to the engine was lost' }));
      this.pending.clear();
      const wait = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)];
      this.setState({ state: 'closed', retryAt: Date.now() + wait, reason: ev.reason || `code ${ev.code}` });
      setTimeout(() => this.open(), wait);
    };
  }

  private receive(data: string | ArrayBuffer): void {
    if (typeof data === 'string') {
      const msg = JSON.parse(data) as { id?: number | null; result?: unknown; error?: RpcErrorBody; channel?: string; payload?: unknown };
      if (msg.channel) this.emit(msg.channel, msg.payload);
      else if (typeof msg.id === 'number') this.settle(msg.id, msg.result, msg.error);
      return;
    }
    const { header, body } = decodeBinary(data);
    if (header.channel) this.emit(header.channel, body);
    else if (typeof header.id === 'number') this.settle(header.id, body);
  }

  private settle(id: number, result: unknown, error?: RpcErrorBody): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (error) p.reject(new RpcError(error));
    else p.resolve(result);
  }

  private emit(channel: string, payload: unknown): void {
    for (const l of this.listeners.get(channel) ?? []) l(payload);
  }
}
