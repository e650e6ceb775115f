import { dialog, ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import {
  COMMANDS_CHANNEL,
  EVENT_CHANNEL,
  OPEN_FILES_CHANNEL,
  OPEN_FILES_READY_CHANNEL,
  PICK_FILES_CHANNEL,
  RPC_CHANNEL,
  type MenuCommand,
  type OpenFileRequest,
  type RpcReply,
} from '../shared/bridge';
import { MenuCommandsSchema } from '../shared/menu-command';
import { RpcError } from '../shared/rpc';
import type { Engine } from '../main';
import type { OpenFilesInbox } from './open-files';
import { isTrustedSender } from './trusted-sender';

/** What the window's page tells the shell beyond RPC: its commands (for the menus), and that it listens for files. */
export interface ShellLink {
  onCommands(commands: MenuCommand[]): void;
  openFiles: OpenFilesInbox<OpenFileRequest>;
}

/**
 * The IPC side of the RPC contract: one engine client per window, calls only from that window's own
 * top frame. Replies are RpcReply envelopes (shared/bridge.ts), so the typed error survives IPC.
 */
export function connectWindow(engine: Engine, win: BrowserWindow, shell: ShellLink): void {
  const client = engine.connect();
  const unsubscribe = client.onEvent((channel, payload) => {
    if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, channel, payload);
  });
  const trusted = (event: IpcMainInvokeEvent | IpcMainEvent) => {
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
  // The list comes from the page: only the window's own top frame is heard, and only a list of the contract's shape.
  const onCommands = (event: IpcMainEvent, list: unknown) => {
    if (!trusted(event)) return;
    const parsed = MenuCommandsSchema.safeParse(list);
    if (parsed.success) shell.onCommands(parsed.data);
  };
  const onOpenFilesReady = (event: IpcMainEvent) => {
    if (!trusted(event)) return;
    shell.openFiles.ready((files) => {
      if (!win.isDestroyed()) win.webContents.send(OPEN_FILES_CHANNEL, files);
    });
  };
  ipcMain.on(COMMANDS_CHANNEL, onCommands);
  ipcMain.on(OPEN_FILES_READY_CHANNEL, onOpenFilesReady);
  // A page that reloads listens again; files that come meanwhile wait for it.
  win.webContents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) shell.openFiles.unready();
  });
  win.on('closed', () => {
    ipcMain.removeHandler(RPC_CHANNEL);
    ipcMain.removeHandler(PICK_FILES_CHANNEL);
    ipcMain.removeListener(COMMANDS_CHANNEL, onCommands);
    ipcMain.removeListener(OPEN_FILES_READY_CHANNEL, onOpenFilesReady);
    shell.openFiles.unready();
    unsubscribe();
    client.close();
  });
}
