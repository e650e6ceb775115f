// The renderer's only door to the engine and the desktop: `rpc`, `subscribe`, the file dialog, dropped files' paths,
// the command list for the native menus and what they and the OS ask it to do (contextIsolation + sandbox).
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import {
  COMMANDS_CHANNEL,
  EVENT_CHANNEL,
  MENU_COMMAND_CHANNEL,
  OPEN_FILES_CHANNEL,
  OPEN_FILES_READY_CHANNEL,
  PICK_FILES_CHANNEL,
  RPC_CHANNEL,
  type OpenFileRequest,
  type PreloadBridge,
  type RpcReply,
} from '../shared/bridge';

/** Listens on a shell → renderer channel; the page never sees the IPC event (its sender, its ports). */
function listen<T>(channel: string, listener: (payload: T) => void): () => void {
  const wrapped = (_event: IpcRendererEvent, payload: T) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => ipcRenderer.removeListener(channel, wrapped);
}

const bridge: PreloadBridge = {
  rpc: (method, params) => ipcRenderer.invoke(RPC_CHANNEL, method, params) as Promise<RpcReply>,
  subscribe(channel, listener) {
    const wrapped = (_event: IpcRendererEvent, ch: string, payload: unknown) => {
      if (ch === channel) listener(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
  pickFiles: () => ipcRenderer.invoke(PICK_FILES_CHANNEL) as Promise<string[]>,
  pathOfFile: (file) => webUtils.getPathForFile(file as File),
  setCommands: (commands) => ipcRenderer.send(COMMANDS_CHANNEL, commands),
  onMenuCommand: (listener) => listen<string>(MENU_COMMAND_CHANNEL, listener),
  onOpenFiles(listener) {
    const off = listen<OpenFileRequest[]>(OPEN_FILES_CHANNEL, listener);
    ipcRenderer.send(OPEN_FILES_READY_CHANNEL);
    return off;
  },
};
contextBridge.exposeInMainWorld('hexwatch', bridge);
