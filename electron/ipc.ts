import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { EVENT_CHANNEL, RPC_CHANNEL, type RpcReply } from '../shared/bridge';
import { RpcError } from '../shared/rpc';
import type { Engine } from '../main';
import { isTrustedSender } from './trusted-sender';

/**
 * The IPC side of the RPC contract: one engine client per window, calls only from that window's own
 * top frame. Replies are RpcReply envelopes (shared/bridge.ts), so the typed error survives IPC.
 */
export function connectWindow(engine: Engine, win: BrowserWindow): void {
  const client = engine.connect();
  const unsubscribe = client.onEvent((channel, payload) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, channel, payload);
  });
  const handler = async (event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<RpcReply> => {
    const frame = event.senderFrame;
    if (event.sender !== win.webContents || !frame || !isTrustedSender(frame.url, frame === win.webContents.mainFrame)) {
      return { ok: false, error: { code: 'unauthorized', message: 'calls are accepted only from the hexwatch window' } };
    }
    try {
      return { ok: true, result: await client.call(String(method), params) };
    } catch (err) {
      return { ok: false, error: err instanceof RpcError ? err.toBody() : { code: 'internal', message: String(err) } };
    }
  };
  ipcMain.handle(RPC_CHANNEL, handler);
  win.on('closed', () => {
    ipcMain.removeHandler(RPC_CHANNEL);
    unsubscribe();
    client.close();
  });
}
