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

/** What electron/preload.ts exposes: rejections carry the JSON {code, message, issues?} in their message. */
export interface PreloadBridge {
  rpc(method: string, params: unknown): Promise<unknown>;
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

export class IpcRpcClient implements RpcClient {
  constructor(private readonly bridge: PreloadBridge) {}

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    try {
      return (await this.bridge.rpc(method, params)) as ResultOf<M>;
    } catch (err) {
      throw toRpcError(err);
    }
  }

  subscribe<C extends ChannelName>(channel: C, listener: (payload: PayloadOf<C>) => void): () => void {
    return this.bridge.subscribe(channel, listener as (payload: unknown) => void);
  }
}

function toRpcError(err: unknown): RpcError {
  const message = err instanceof Error ? err.message : String(err);
  // Electron prefixes errors crossing IPC ("Error invoking remote method …: Error: {…}").
  const json = message.slice(message.indexOf('{'));
  try {
    const body = JSON.parse(json) as RpcErrorBody;
    if (body && typeof body.code === 'string') return new RpcError(body);
  } catch {
    /* not ours */
  }
  return new RpcError({ code: 'internal', message });
}
