/**
 * The desktop shell's IPC bridge, typed once for its three sides (electron/ipc.ts, electron/preload.ts,
 * renderer/src/rpc/ipc-client.ts): the channel names, what the preload exposes, and the reply envelope.
 */
import type { RpcErrorBody } from './rpc';

/** Renderer → engine calls (ipcRenderer.invoke / ipcMain.handle). */
export const RPC_CHANNEL = 'hexwatch:rpc';
/** Engine → renderer events: (channel, payload). */
export const EVENT_CHANNEL = 'hexwatch:event';
/** Renderer → shell: show the desktop's file dialog for data files; answers the paths chosen. */
export const PICK_FILES_CHANNEL = 'hexwatch:pick-files';

/** An RPC's answer as it crosses IPC: an error travels as data, since a thrown Error keeps nothing but its message. */
export type RpcReply = { ok: true; result: unknown } | { ok: false; error: RpcErrorBody };

/** What the preload exposes on `window.hexwatch`, and nothing else. */
export interface PreloadBridge {
  /** Never rejects for an engine error: the reply says what went wrong. */
  rpc(method: string, params: unknown): Promise<RpcReply>;
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
  /** The desktop's open dialog for data files: the paths chosen, none when cancelled. */
  pickFiles(): Promise<string[]>;
  /** Where a file dropped on the window is on disk (a browser never says; the desktop does). */
  pathOfFile(file: unknown): string;
}
