/**
 * The desktop shell's IPC bridge, typed once for its three sides (electron/ipc.ts, electron/preload.ts,
 * renderer/src/engine/ipc-client.ts): the channel names, what the preload exposes, and the reply envelope.
 */
import type { MenuCommand } from './menu-command';
import type { RpcErrorBody } from './rpc';

export type { MenuCommand };

/** Renderer → engine calls (ipcRenderer.invoke / ipcMain.handle). */
export const RPC_CHANNEL = 'hexwatch:rpc';
/** Engine → renderer events: (channel, payload). */
export const EVENT_CHANNEL = 'hexwatch:event';
/** Renderer → shell: show the desktop's file dialog for data files; answers the paths chosen. */
export const PICK_FILES_CHANNEL = 'hexwatch:pick-files';

/** Renderer → shell: the command registry as the native menus show it, sent whenever it changes. */
export const COMMANDS_CHANNEL = 'hexwatch:commands';
/** Shell → renderer: the id of a command chosen in a native menu, for the renderer to run. */
export const MENU_COMMAND_CHANNEL = 'hexwatch:menu-command';
/** Shell → renderer: files to open (a second launch's arguments, a file opened from the OS). */
export const OPEN_FILES_CHANNEL = 'hexwatch:open-files';
/** Renderer → shell: its OPEN_FILES_CHANNEL listener is set; the files that waited for it come now. */
export const OPEN_FILES_READY_CHANNEL = 'hexwatch:open-files-ready';

/** A file the OS handed the app: a notebook (its text, read by the shell) or a data file to open as a view in Notebooks. */
export type OpenFileRequest = { kind: 'notebook'; path: string; name: string; text: string } | { kind: 'open'; path: string };

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
  /** The command registry, for the native menus. */
  setCommands(commands: MenuCommand[]): void;
  /** A command chosen in a native menu. */
  onMenuCommand(listener: (id: string) => void): () => void;
  /** Files the OS asked the app to open; those that came before the listener arrive once it is set. */
  onOpenFiles(listener: (files: OpenFileRequest[]) => void): () => void;
}
