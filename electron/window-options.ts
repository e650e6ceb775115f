// The one place the workstation's window is made, with its hardened web preferences. Electron comes in as a
// parameter (types only here), so the test builds the window with a stand-in and reads the options the app uses.
import type { BrowserWindowConstructorOptions } from 'electron';

/** Where the window opens (electron/window-state.ts puts a remembered one back on a display). */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export const MIN_WIDTH = 900;
export const MIN_HEIGHT = 600;

/**
 * Opens the workstation's window: a sandboxed, context-isolated page with no Node anywhere (frames,
 * workers), no <webview>, same-origin rules and no insecure content; middle-click cannot open windows.
 * Hidden until its first paint, so it never flashes white.
 */
export function openMainWindow<W>(BrowserWindow: new (options: BrowserWindowConstructorOptions) => W, preload: string, placement: WindowPlacement): W {
  return new BrowserWindow({
    ...placement,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    show: false,
    backgroundColor: '#0b1020',
    title: 'hexwatch',
    webPreferences: {
      preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
}
