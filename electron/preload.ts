// The renderer's only door to the engine and the desktop: `rpc`, `subscribe`, the file dialog and dropped files' paths (contextIsolation + sandbox).
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, PICK_FILES_CHANNEL, RPC_CHANNEL, type PreloadBridge, type RpcReply } from '../shared/bridge';

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
};
contextBridge.exposeInMainWorld('hexwatch', bridge);
