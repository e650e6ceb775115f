// The desktop shell: Electron wired to plain functions (the window, menus, files, quitting), each tested under
// Node beside it. Everything else lives in main/ (plain Node).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Menu, app, crashReporter, dialog, safeStorage, screen, session, shell, type MenuItemConstructorOptions } from 'electron';
import { ConfigError, FLAG_ALIASES, RotatingLog, loadConfig, startEngineHost, useChildLauncher, type Engine } from '../main';
import { connectionSecretStore } from './connection-secrets';
import { MENU_COMMAND_CHANNEL, type MenuCommand, type OpenFileRequest } from '../shared/bridge';
import type { About, ResultOf } from '../shared/rpc';
import { aboutText, type Answer } from './about';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { connectWindow } from './ipc';
import { menuTemplate } from './menu-template';
import { guardNavigation } from './navigation';
import { OpenFilesInbox, openActions, openRequests, splitLaunchArgs, type OpenAction } from './open-files';
import { hardenSession } from './permissions';
import { quitAfter } from './quit';
import { utilityChild } from './utility-child';
import { loadSecret, saveSecret } from './secrets';
import { APP_ORIGIN } from './trusted-sender';
import { openMainWindow } from './window-options';
import { loadWindowState, placeWindow, saveWindowState } from './window-state';

/** How long quitting waits for the engine to flush the queue and DuckDB before it goes anyway. */
const QUIT_TIMEOUT_MS = 15_000;

const here = fileURLToPath(new URL('.', import.meta.url)); // out/main/
registerAppScheme();

const launch = splitLaunchArgs(process.argv.slice(app.isPackaged ? 1 : 2), FLAG_ALIASES);
const dataDir = dataDirOf(launch.engine);
// Crash dumps and logs stay on this machine, under the data dir; nothing is uploaded.
app.setPath('crashDumps', join(dataDir, 'crashes'));
crashReporter.start({ uploadToServer: false, compress: true });
const logFile = openLog(join(dataDir, 'logs'));
/** The engine's and the shell's log: the file under the data dir, and stderr for whoever started the app from a terminal. */
const log = (line: string) => {
  process.stderr.write(`${line}\n`);
  try {
    logFile?.write(line);
  } catch {
    // A full or vanished disk must not take the engine down with its log line; stderr has it.
  }
};

let engine: Engine | undefined;
let mainWindow: BrowserWindow | undefined;
const inbox = new OpenFilesInbox<OpenFileRequest>();

/** The log file, or none when the data dir cannot hold one (the engine then says why it cannot open its files). */
function openLog(dir: string): RotatingLog | undefined {
  try {
    return new RotatingLog({ dir });
  } catch (err) {
    process.stderr.write(`hexwatch: no log file in ${dir}: ${(err as Error).message}\n`);
    return undefined;
  }
}

/** The data dir as the engine will take it (--data-dir, HEXWATCH_DATA_DIR, the app data folder); settings it will refuse leave the default. */
function dataDirOf(argv: string[]): string {
  try {
    return loadConfig({ argv, defaultDataDir: app.getPath('userData') }).dataDir;
  } catch {
    return app.getPath('userData');
  }
}

if (!app.requestSingleInstanceLock()) {
  // Another hexwatch is running: it is handed our files (second-instance) and takes the focus.
  app.quit();
} else {
  if (process.platform === 'win32') app.setAppUserModelId('dev.hexwatch.app');
  void openFiles(openActions(launch.files, process.cwd()));
  app.on('second-instance', (_event, argv, workingDirectory) => {
    // On macOS the app outlives its window: a launch with files brings one back for them.
    if (!mainWindow && engine) mainWindow = createWindow(engine);
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.show();
      mainWindow.focus();
    }
    void openFiles(openActions(splitLaunchArgs(argv, FLAG_ALIASES).files, workingDirectory));
  });
  // macOS hands over files (a double-click, a drop on the Dock icon) with an event, before ready too.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    void openFiles(openActions([path], process.cwd()));
  });
  app.whenReady().then(start, (err: Error) => log(`hexwatch: ${err.message}`));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', onWillQuit);
}

async function start(): Promise<void> {
  setMenu([]);
  // The notebooks' DuckDB runs in a child (a crash there spares the engine): here an Electron utility process.
  useChildLauncher(utilityChild);
  try {
    const keychain = {
      available: () => safeStorage.isEncryptionAvailable(),
      backend: () => safeStorage.getSelectedStorageBackend?.() ?? '',
      load: loadSecret,
      save: saveSecret,
    };
    engine = await startEngineHost({
      argv: launch.engine,
      env: process.env,
      connectionSecrets: connectionSecretStore(keychain, process.platform, process.env.HEXWATCH_KEYCHAIN_PLAIN_TEXT === '1'),
      defaultDataDir: app.getPath('userData'),
      version: app.getVersion(),
      log,
      secrets: (name) => loadSecret(`webhook.${name}`),
      saveSecret: (name, value) => saveSecret(`webhook.${name}`, value),
    });
  } catch (err) {
    const title = err instanceof ConfigError ? 'hexwatch: invalid settings' : 'hexwatch could not start';
    log(`${title}: ${(err as Error).message}`);
    dialog.showErrorBox(title, (err as Error).message);
    app.exit(1);
    return;
  }
  // The CSP and the session follow the settings: map.onlineBasemaps lets the map fetch a basemap from the internet.
  hardenSession(session.defaultSession, { onlineBasemaps: engine.config.map.onlineBasemaps });
  serveRenderer(join(here, '../renderer'), engine.config.map.onlineBasemaps);
  mainWindow = createWindow(engine);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && engine) mainWindow = createWindow(engine);
  });
}

function createWindow(e: Engine): BrowserWindow {
  const statePath = join(e.dataDir, 'window-state.json');
  const primary = screen.getPrimaryDisplay();
  const workAreas = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
  const { placement, maximized } = placeWindow(loadWindowState(statePath), workAreas, { width: 1400, height: 900 });
  const win = openMainWindow(BrowserWindow, join(here, '../preload/index.cjs'), placement);
  if (maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = undefined;
  });
  win.on('close', () => {
    try {
      saveWindowState(statePath, { ...win.getNormalBounds(), maximized: win.isMaximized() });
    } catch (err) {
      log(`window: cannot remember its place: ${(err as Error).message}`);
    }
  });
  guardNavigation(win.webContents, (url) => void shell.openExternal(url));
  connectWindow(e, win, { onCommands: setMenu, openFiles: inbox });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

/** The menus follow the page's command registry (sent whenever it changes). */
function setMenu(commands: MenuCommand[]): void {
  const template: MenuItemConstructorOptions[] = menuTemplate(commands, process.platform, {
    run: (id) => mainWindow?.webContents.send(MENU_COMMAND_CHANNEL, id),
    about: () => void showAbout(),
    showLogs: () => void shell.openPath(join(dataDir, 'logs')),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** Notebooks go to the page with their text, data files by their path; what cannot be read is said at once. */
async function openFiles(actions: OpenAction[]): Promise<void> {
  if (actions.length === 0) return;
  const { requests, failures } = await openRequests(actions, async (path, maxBytes) => {
    if ((await stat(path)).size > maxBytes) throw new Error(`larger than ${maxBytes / 1024 / 1024} MB, too large for a notebook`);
    return readFile(path, 'utf8');
  });
  inbox.push(requests);
  if (failures.length) {
    log(`open files: ${failures.join('; ')}`);
    void app.whenReady().then(() => dialog.showErrorBox('hexwatch could not open', failures.join('\n')));
  }
}

async function showAbout(): Promise<void> {
  const ask = async <T>(method: 'status.about' | 'fences.status'): Promise<Answer<T>> => {
    if (!engine) return { ok: false, error: 'not started' };
    const client = engine.connect();
    try {
      return { ok: true, value: (await client.call(method, {})) as T };
    } catch (err) {
      return { ok: false, error: (err as Error).message };
    } finally {
      client.close();
    }
  };
  const versions = { hexwatch: app.getVersion(), electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node };
  const { message, detail } = aboutText(versions, await ask<About>('status.about'), await ask<ResultOf<'fences.status'>>('fences.status'));
  const options = { type: 'info' as const, title: 'About hexwatch', message, detail, buttons: ['OK'] };
  await (mainWindow ? dialog.showMessageBox(mainWindow, options) : dialog.showMessageBox(options));
}

let engineStopped = false;
let quitting = false;
/** Quitting waits for the engine's stop (the queue and DuckDB flushed), for QUIT_TIMEOUT_MS at most. */
function onWillQuit(event: Electron.Event): void {
  if (!engine || engineStopped) {
    logFile?.close();
    return;
  }
  event.preventDefault();
  if (quitting) return;
  quitting = true;
  void quitAfter(() => engine!.stop(), QUIT_TIMEOUT_MS).then((r) => {
    if (r.outcome === 'failed') log(`quit: the engine's stop failed: ${r.error.message}`);
    if (r.outcome === 'timed out') log(`quit: the engine did not stop within ${QUIT_TIMEOUT_MS / 1000} s; quitting anyway`);
    engineStopped = true;
    app.quit();
  });
}
