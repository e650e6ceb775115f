import type { z } from 'zod';
import { RpcError, describeIssues, isMethodName, methods, type MethodName, type ResultOf } from '../../shared/rpc';

type ParsedParams<M extends MethodName> = z.output<(typeof methods)[M]['params']>;

/** One service function per RPC method of the contract; `C` is the calling client's context. */
export type Handlers<C> = {
  [M in MethodName]: (params: ParsedParams<M>, client: C) => Promise<ResultOf<M>> | ResultOf<M>;
};

/**
 * The single entry point of every RPC, whichever transport carried it: the method must exist, its
 * params must pass the contract's schema (the error names each bad field), and a failing service
 * answers with an error instead of taking the engine down.
 */
export async function dispatch<C>(
  handlers: Handlers<C>,
  method: unknown,
  params: unknown,
  client: C,
  log: (line: string) => void = () => {},
): Promise<unknown> {
  if (!isMethodName(method)) {
    throw new RpcError({ code: 'unknown_method', message: `unknown method ${JSON.stringify(method)}` });
  }
  const parsed = methods[method].params.safeParse(params ?? {});
  if (!parsed.success) {
    const issues = describeIssues(parsed.error);
    const list = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new RpcError({ code: 'invalid_params', message: `invalid params for ${method}: ${list}`, issues });
  }
  try {
    const handler = handlers[method] as (p: unknown, c: C) => unknown;
    return await handler(parsed.data, client);
  } catch (err) {
    if (err instanceof RpcError) throw err;
    log(`rpc ${method} failed: ${(err as Error).stack ?? err}`);
    throw new RpcError({ code: 'internal', message: `${method} failed: ${(err as Error).message}` });
  }
}
