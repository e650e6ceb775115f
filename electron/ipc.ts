import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { RpcError } from '../shared/rpc';
import type { Engine } from '../main';
import { isTrustedSender } from './trusted-sender';

export const RPC_CHANNEL = 'hexwatch:rpc';
export const EVENT_CHANNEL = 'hexwatch:event';

/**
 * The IPC side of the RPC contract: one engine client per window, calls only from that window's own
 * top frame. Replies are `{ok: true, result}` or `{ok: false, error: {code, message, issues?}}` so the
 * typed error survives IPC (thrown errors lose everything but their message).
 */
export function connectWindow(engine: Engine, win: BrowserWindow): void {
  const client = engine.connect();
  const unsubscribe = client.onEvent((channel, payload) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, channel, payload);
  });
  const handler = async (event: IpcMainInvokeEvent, method: unknown, params: unknown) => {
    const frame = event.senderFrame;
    if (event.sender !== win.webContents || !frame || !isTrustedSender(frame.url, frame === win.webContents.mainFrame)) {
      return { ok: false, error: { code: 'unauthorized', message: 'calls are accepted only from the hexwatch window' } };
    }
    try {
      return { ok: true, result: await client.call(String(method), params) };
    } catch (err) {
      const body = err instanceof RpcError ? err.toBody() : { code: 'internal', message: String(err) };
      return { ok: false, error: body };
    }
  };
  ipcMain.handle(RPC_CHANNEL, handler);
  win.on('closed', () => {
    ipcMain.removeHandler(RPC_CHANNEL);
    unsubscribe();
    client.close();
  });
}
