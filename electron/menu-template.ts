// The native menus, made from the same command registry as the palette (the page sends it over
// COMMANDS_CHANNEL): each group a menu, each command an item that sends its id back to be run.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/bridge';

export interface MenuActions {
  /** A command was chosen: the page runs it. */
  run(id: string): void;
  about(): void;
  /** Opens the folder of the log and crash files. */
  showLogs(): void;
}

/** Chords Edit's roles own: in a text field they must undo, cut, copy and paste the text, not a command. */
const EDIT_CHORDS = new Set(['Mod+Z', 'Mod+Shift+Z', 'Mod+Y', 'Mod+X', 'Mod+C', 'Mod+V', 'Mod+A']);

/** How Electron names a key of the palette's shortcuts ("Mod+Shift+Enter" → "CommandOrControl+Shift+Enter"). */
export function accelerator(shortcut: string): string {
  return shortcut
    .split('+')
    .map((part) => (part === 'Mod' ? 'CommandOrControl' : part.length === 1 ? part.toUpperCase() : part))
    .join('+');
}

/**
 * A command's item. Its shortcut is always shown; it is registered as the item's accelerator only when it is
 * a Mod chord none of Edit's roles own — a single key (`h`, `[`, Escape) would be taken from whoever types it.
 * The page handles its own keys first (and claims those it runs), so a registered chord does not run twice.
 */
function commandItem(c: MenuCommand, actions: MenuActions): MenuItemConstructorOptions {
  const item: MenuItemConstructorOptions = { id: c.id, label: c.title, enabled: c.enabled, click: () => actions.run(c.id) };
  if (!c.shortcut) return item;
  return { ...item, accelerator: accelerator(c.shortcut), registerAccelerator: c.shortcut.startsWith('Mod+') && !EDIT_CHORDS.has(c.shortcut) };
}

/** The menu bar: the app menu on macOS, File, the commands' groups in the order they first come, Edit, View, Window, Help. */
export function menuTemplate(commands: readonly MenuCommand[], platform: NodeJS.Platform, actions: MenuActions): MenuItemConstructorOptions[] {
  const groups = new Map<string, MenuCommand[]>();
  for (const c of commands) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  const mac = platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: 'About hexwatch', click: () => actions.about() };
  // Written without `satisfies`: Electronegativity's TypeScript parser predates it.
  const appMenu: MenuItemConstructorOptions = {
    label: 'hexwatch',
    submenu: [
      about,
      { type: 'separator' },
      { role: 'services' },
      { type: 'separator' },
      { role: 'hide' },
      { role: 'hideOthers' },
      { role: 'unhide' },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };
  const helpItems: MenuItemConstructorOptions[] = [{ label: 'Show log files', click: () => actions.showLogs() }];
  if (!mac) helpItems.push({ type: 'separator' }, about);
  return [
    ...(mac ? [appMenu] : []),
    { role: 'fileMenu' },
    ...[...groups].map(([group, list]): MenuItemConstructorOptions => ({ label: group, submenu: list.map((c) => commandItem(c, actions)) })),
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: helpItems },
  ];
}
