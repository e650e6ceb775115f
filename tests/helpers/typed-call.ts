/** Tests call the engine as the renderer does: the method's params and result typed from the contract. */
import type { MethodName, ParamsOf, ResultOf } from '../../shared/rpc';

/** `call('fences.save', { fence })` resolves with the result the contract gives `fences.save`. */
export type Call = <M extends MethodName>(method: M, params?: ParamsOf<M>, timeoutMs?: number) => Promise<ResultOf<M>>;

/** Types a transport's untyped call (a web-mode WebSocket, an in-process EngineClient) from the contract. */
export function typedCall(raw: (method: string, params: unknown, timeoutMs?: number) => Promise<unknown>): Call {
  return <M extends MethodName>(method: M, params?: ParamsOf<M>, timeoutMs?: number) => raw(method, params ?? {}, timeoutMs) as Promise<ResultOf<M>>;
}
