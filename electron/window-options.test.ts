import { describe, expect, it } from 'vitest';
import type { BrowserWindowConstructorOptions } from 'electron';
import { openMainWindow } from './window-options';

/** Electron's BrowserWindow as the factory sees it: a constructor; this one keeps what it was given. */
class RecordedWindow {
  constructor(readonly options: BrowserWindowConstructorOptions) {}
}

describe('openMainWindow', () => {
  const win = openMainWindow(RecordedWindow, '/app/out/preload/index.cjs', { x: 10, y: 20, width: 1400, height: 900 });
  const prefs = win.options.webPreferences!;

  it('builds a sandboxed, context-isolated page with no Node in it, its frames or its workers', () => {
    expect(prefs.sandbox).toBe(true);
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security: no <webview>, same-origin rules, no insecure content, no experimental or extra Blink features, no remote module', () => {
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.disableBlinkFeatures).toBe('Auxclick');
    expect(prefs).not.toHaveProperty('enableRemoteModule');
    expect(prefs.navigateOnDragDrop).toBe(false);
  });

  it('loads only the bundled preload, and opens where it is placed, hidden until painted', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
    expect(win.options).toMatchObject({ x: 10, y: 20, width: 1400, height: 900, show: false });
  });
});
