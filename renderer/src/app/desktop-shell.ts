import type { MenuCommand, OpenFileRequest } from '../../../shared/bridge';
import type { RpcClient } from '../../../shared/rpc';
import type { DesktopShell } from '../engine';
import { applies, commandRegistry } from './commands';
import { setUi, subscribeUi } from './ui-store';

/** How the Notebooks panel opens files (features/notebooks): a notebook's text, data files by their path. */
export interface NotebookOpeners {
  openNotebook(name: string, text: string): void;
  /** Opens each as a view; answers what could not be opened, with the engine's reason. */
  openPaths(client: RpcClient, paths: readonly string[]): Promise<string[]>;
}

/** The commands as the native menus show them. */
function menuCommands(): MenuCommand[] {
  return commandRegistry.get().map((c) => ({ id: c.id, title: c.title, group: c.group, ...(c.shortcut ? { shortcut: c.shortcut } : {}), enabled: applies(c) }));
}

/**
 * The desktop app's menus and open-with: the command list goes to the shell whenever it (or what makes a
 * command apply: the UI state) changes, a command chosen in a menu runs here as from the palette, and files
 * the OS opens with the app open in the Notebooks panel. Returns how to stop.
 */
export function connectDesktopShell(
  shell: DesktopShell,
  client: RpcClient,
  notebooks: NotebookOpeners,
  report: (lines: string[]) => void = (lines) => window.alert(lines.join('\n')),
): () => void {
  let sent = '';
  const publish = () => {
    const list = menuCommands();
    const text = JSON.stringify(list);
    if (text === sent) return; // the UI changes often (playback moves every frame); the menus only when a command does
    sent = text;
    shell.setCommands(list);
  };
  const offs = [
    commandRegistry.subscribe(publish),
    subscribeUi(publish),
    shell.onMenuCommand((id) => {
      // The menu may be older than the mode: a command that no longer applies does nothing, as its key would.
      const c = commandRegistry.get().find((command) => command.id === id);
      if (c && applies(c)) c.run({ client });
    }),
    shell.onOpenFiles((files) => void openFiles(files, client, notebooks).then((failed) => failed.length && report(failed))),
  ];
  publish();
  return () => offs.forEach((off) => off());
}

/** Opens the Notebooks panel, then each notebook (the last stays open, the others go to Recent notebooks) and each data file as a view. */
export async function openFiles(files: readonly OpenFileRequest[], client: RpcClient, notebooks: NotebookOpeners): Promise<string[]> {
  setUi({ panel: 'notebooks' });
  for (const f of files) if (f.kind === 'notebook') notebooks.openNotebook(f.name, f.text);
  return notebooks.openPaths(
    client,
    files.flatMap((f) => (f.kind === 'open' ? [f.path] : [])),
  );
}
