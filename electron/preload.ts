// The renderer's only door to the engine: `rpc` and `subscribe`, nothing else (contextIsolation + sandbox).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, RPC_CHANNEL, type PreloadBridge, type RpcReply } from '../shared/bridge';

const bridge: PreloadBridge = {
  rpc: (method, params) => ipcRenderer.invoke(RPC_CHANNEL, method, params) as Promise<RpcReply>,
  subscribe(channel, listener) {
    const wrapped = (_event: IpcRendererEvent, ch: string, payload: unknown) => {
      if (ch === channel) listener(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
};
contextBridge.exposeInMainWorld('hexwatch', bridge);
