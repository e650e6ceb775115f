import type { RpcClient } from '../../../shared/rpc';
import { IpcRpcClient, type PreloadBridge } from './ipc-client';
import { WsRpcClient, type ConnectionState } from './ws-client';

export type { ConnectionState };

/** The workstation's link to the engine: calls and channels, the connection's state, and a hook for when it comes back. */
export interface EngineLink {
  client: RpcClient;
  onState(listener: (s: ConnectionState) => void): () => void;
  onReopen(listener: () => void): () => void;
  /** The desktop app (its keychain, file dialog, dropped files' paths), not a browser over the web bridge. */
  desktop: boolean;
  /** The desktop's file dialog and dropped files' paths; absent in a browser, which never tells where a file is. */
  files?: DesktopFiles;
  /** The desktop's menus and the files the OS opens with the app (app/desktop-shell.ts); absent in a browser. */
  shell?: DesktopShell;
}

export type DesktopShell = Pick<PreloadBridge, 'setCommands' | 'onMenuCommand' | 'onOpenFiles'>;

export interface DesktopFiles {
  pick(): Promise<string[]>;
  pathOf(file: File): string | undefined;
}

/** Electron's preload bridge when present, else the web bridge's WebSocket with the page's token. */
export function connectEngine(): EngineLink {
  const bridge = (window as unknown as { hexwatch?: PreloadBridge }).hexwatch;
  if (bridge) {
    return {
      client: new IpcRpcClient(bridge),
      onState: (l) => (l({ state: 'open' }), () => {}),
      onReopen: () => () => {},
      desktop: true,
      files: { pick: () => bridge.pickFiles(), pathOf: (file) => bridge.pathOfFile(file) || undefined },
      shell: bridge,
    };
  }
  // The token arrives once in the URL; the engine also set it as a cookie, which a reload (and the
  // WebSocket) carries, so it leaves the address bar, history and anything copied from them.
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  if (token !== null) {
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  }
  const ws = new WsRpcClient(`ws://${location.host}/rpc${token ? `?token=${encodeURIComponent(token)}` : ''}`);
  return { client: ws, onState: (l) => ws.onState(l), onReopen: (l) => ws.onReopen(l), desktop: false };
}
