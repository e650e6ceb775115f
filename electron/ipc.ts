import { dialog, ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { EVENT_CHANNEL, PICK_FILES_CHANNEL, RPC_CHANNEL, type RpcReply } from '../shared/bridge';
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
  const trusted = (event: IpcMainInvokeEvent) => {
    const frame = event.senderFrame;
    return event.sender === win.webContents && frame !== null && isTrustedSender(frame.url, frame === win.webContents.mainFrame);
  };
  const handler = async (event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<RpcReply> => {
    if (!trusted(event)) return { ok: false, error: { code: 'unauthorized', message: 'calls are accepted only from the hexwatch window' } };
    try {
      return { ok: true, result: await client.call(String(method), params) };
    } catch (err) {
      return { ok: false, error: err instanceof RpcError ? err.toBody() : { code: 'internal', message: String(err) } };
    }
  };
  ipcMain.handle(RPC_CHANNEL, handler);
  // The paths go to notebook.open next, which keeps them inside notebooks.roots like a typed path.
  ipcMain.handle(PICK_FILES_CHANNEL, async (event) => {
    if (!trusted(event)) return [];
    const { filePaths } = await dialog.showOpenDialog(win, {
      title: 'Open data files as views',
      properties: ['openFile', 'multiSelections'],
      filters: [
        { name: 'Data', extensions: ['parquet', 'csv', 'tsv', 'ndjson', 'jsonl', 'json', 'geojson'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    return filePaths;
  });
  win.on('closed', () => {
    ipcMain.removeHandler(RPC_CHANNEL);
    ipcMain.removeHandler(PICK_FILES_CHANNEL);
    unsubscribe();
    client.close();
  });
}
