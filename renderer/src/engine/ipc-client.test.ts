import { describe, expect, it } from 'vitest';
import type { PreloadBridge, RpcReply } from '../../../shared/bridge';
import { RpcError } from '../../../shared/rpc';
import { IpcRpcClient } from './ipc-client';

/** The preload's bridge as the desktop shell gives it: replies are envelopes, never thrown errors. */
const bridgeAnswering = (reply: RpcReply): PreloadBridge => ({
  rpc: async () => reply,
  subscribe: () => () => {},
  pickFiles: async () => [],
  pathOfFile: () => '',
  setCommands: () => {},
  onMenuCommand: () => () => {},
  onOpenFiles: () => () => {},
});

describe('IpcRpcClient', () => {
  it('resolves with the result of an ok reply', async () => {
    const client = new IpcRpcClient(bridgeAnswering({ ok: true, result: { removed: true } }));
    await expect(client.call('fences.remove', { id: 'f1' })).resolves.toEqual({ removed: true });
  });

  it('rejects with the RpcError an error reply describes, its code and fields intact', async () => {
    const error = { code: 'invalid_params' as const, message: 'invalid params', issues: [{ path: 'id', message: 'Required' }] };
    const client = new IpcRpcClient(bridgeAnswering({ ok: false, error }));
    const err = await client.call('fences.remove', { id: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect((err as RpcError).toBody()).toEqual(error);
  });
});
