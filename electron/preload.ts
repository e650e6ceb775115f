// The renderer's only door to the engine: `rpc` and `subscribe`, nothing else (contextIsolation + sandbox).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const RPC_CHANNEL = 'hexwatch:rpc';
const EVENT_CHANNEL = 'hexwatch:event';

contextBridge.exposeInMainWorld('hexwatch', {
  /** Resolves with the result; rejects with an Error whose message is the JSON {code, message, issues?}. */
  async rpc(method: string, params: unknown): Promise<unknown> {
    const reply = (await ipcRenderer.invoke(RPC_CHANNEL, method, params)) as { ok: boolean; result?: unknown; error?: unknown };
    if (reply.ok) return reply.result;
    throw new Error(JSON.stringify(reply.error));
  },
  subscribe(channel: string, listener: (payload: unknown) => void): () => void {
    const wrapped = (_event: IpcRendererEvent, ch: string, payload: unknown) => {
      if (ch === channel) listener(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
});
