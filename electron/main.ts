// The desktop shell: one hardened window over the engine. Everything else lives in main/ (plain Node).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, session, shell } from 'electron';
import { ConfigError, startEngine, type Engine } from '../main';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { connectWindow } from './ipc';
import { loadSecret, saveSecret } from './secrets';
import { APP_ORIGIN } from './trusted-sender';

const here = fileURLToPath(new URL('.', import.meta.url)); // out/main/
registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

let engine: Engine | undefined;

function harden(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // The renderer needs nothing remote: every http(s) or ws(s) request is cancelled.
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (_details, callback) => callback({ cancel: true }));
}

function createWindow(e: Engine): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    backgroundColor: '#0b1020',
    title: 'hexwatch',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  connectWindow(e, win);
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

app.whenReady().then(async () => {
  harden();
  try {
    const password = loadSecret('nats.password');
    engine = await startEngine({
      argv: process.argv.slice(app.isPackaged ? 1 : 2),
      env: password ? { ...process.env, HEXWATCH_NATS_PASSWORD: password } : process.env,
      defaultDataDir: app.getPath('userData'),
      secrets: (name) => loadSecret(`webhook.${name}`),
      saveSecret: (name, value) => saveSecret(`webhook.${name}`, value),
    });
  } catch (err) {
    const title = err instanceof ConfigError ? 'hexwatch: invalid settings' : 'hexwatch could not start';
    dialog.showErrorBox(title, (err as Error).message);
    app.exit(1);
    return;
  }
  // The CSP follows the settings: map.onlineBasemaps lets the map fetch a basemap from the internet.
  serveRenderer(join(here, '../renderer'), engine.config.map.onlineBasemaps);
  createWindow(engine);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && engine) createWindow(engine);
  });
});

app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => {
  void engine?.stop();
});
