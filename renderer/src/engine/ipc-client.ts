import type { PreloadBridge } from '../../../shared/bridge';
import { RpcError, type ChannelName, type MethodName, type ParamsOf, type PayloadOf, type ResultOf, type RpcClient } from '../../../shared/rpc';

export type { PreloadBridge };

/** The desktop transport: the preload's bridge (shared/bridge.ts); an error reply becomes the RpcError it describes. */
export class IpcRpcClient implements RpcClient {
  constructor(private readonly bridge: PreloadBridge) {}

  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const reply = await this.bridge.rpc(method, params);
    if (!reply.ok) throw new RpcError(reply.error);
    return reply.result as ResultOf<M>;
  }

  subscribe<C extends ChannelName>(channel: C, listener: (payload: PayloadOf<C>) => void): () => void {
    return this.bridge.subscribe(channel, listener as (payload: unknown) => void);
  }
}
