import { afterEach, describe, expect, it } from 'vitest';
import type { MenuCommand, OpenFileRequest } from '../../../shared/bridge';
import type { RpcClient } from '../../../shared/rpc';
import { registerCommands } from './commands';
import { connectDesktopShell } from './desktop-shell';
import { getUi, setUi } from './ui-store';

/** The preload bridge's shell half as the page sees it: what it was sent, and the shell's messages to fire. */
function recordedShell() {
  const sent: MenuCommand[][] = [];
  let menu: ((id: string) => void) | undefined;
  let files: ((files: OpenFileRequest[]) => void) | undefined;
  return {
    sent,
    shell: {
      setCommands: (list: MenuCommand[]) => sent.push(list),
      onMenuCommand: (l: (id: string) => void) => ((menu = l), () => (menu = undefined)),
      onOpenFiles: (l: (files: OpenFileRequest[]) => void) => ((files = l), () => (files = undefined)),
    },
    choose: (id: string) => menu?.(id),
    open: (list: OpenFileRequest[]) => files?.(list),
  };
}

const client = {} as RpcClient; // the commands here never call the engine
const notebooks = { openNotebook: () => {}, openPaths: async () => [] };
const offs: (() => void)[] = [];
afterEach(() => offs.splice(0).forEach((off) => off()));

describe('connectDesktopShell: the menus’ round trip, the page’s half', () => {
  it('sends the command list, again when it changes, and runs a chosen command that applies with the engine', () => {
    const ran: string[] = [];
    offs.push(
      registerCommands([
        { id: 'palette', title: 'Command palette', group: 'Workbench', shortcut: 'Mod+K', run: (ctx) => ran.push(`palette ${ctx.client === client}`) },
        {
          id: 'notebook.runAll',
          title: 'Run every cell',
          group: 'Notebooks',
          shortcut: 'Mod+Shift+Enter',
          enabled: () => getUi().panel === 'notebooks',
          run: () => ran.push('runAll'),
        },
      ]),
    );
    setUi({ panel: 'heatmap' });
    const r = recordedShell();
    offs.push(connectDesktopShell(r.shell, client, notebooks));
    expect(r.sent.at(-1)).toEqual([
      { id: 'palette', title: 'Command palette', group: 'Workbench', shortcut: 'Mod+K', enabled: true },
      { id: 'notebook.runAll', title: 'Run every cell', group: 'Notebooks', shortcut: 'Mod+Shift+Enter', enabled: false },
    ]);

    r.choose('palette');
    r.choose('notebook.runAll'); // the menu may be older than the mode: it does not apply now
    r.choose('no.such.command');
    expect(ran).toEqual(['palette true']);

    setUi({ panel: 'notebooks' });
    expect(r.sent.at(-1)!.find((c) => c.id === 'notebook.runAll')!.enabled).toBe(true);
    r.choose('notebook.runAll');
    expect(ran).toEqual(['palette true', 'runAll']);

    const count = r.sent.length;
    setUi({ paletteOpen: false }); // changes nothing a menu shows: nothing is sent
    expect(r.sent.length).toBe(count);
    offs.push(registerCommands([{ id: 'fit', title: 'Fit to data', group: 'Heatmap', shortcut: '0', run: () => {} }]));
    expect(r.sent.length).toBe(count + 1);
    expect(r.sent.at(-1)!.map((c) => c.id)).toEqual(['palette', 'notebook.runAll', 'fit']);
  });

  it('opens files the OS handed over in the Notebooks panel: notebooks by their text, data files as views, and reports what failed', async () => {
    setUi({ panel: 'fences' });
    const r = recordedShell();
    const opened: string[] = [];
    const reported: string[][] = [];
    offs.push(
      connectDesktopShell(
        r.shell,
        client,
        {
          openNotebook: (name, text) => opened.push(`notebook ${name}: ${text}`),
          openPaths: async (c, paths) => {
            opened.push(`views ${paths.join(', ')} ${c === client}`);
            return paths.filter((p) => p.endsWith('.csv')).map((p) => `${p}: outside notebooks.roots`);
          },
        },
        (lines) => reported.push(lines),
      ),
    );
    r.open([
      { kind: 'notebook', path: '/n/busy.sql', name: 'busy.sql', text: 'SELECT 1' },
      { kind: 'open', path: '/d/fleet.parquet' },
      { kind: 'open', path: '/tmp/trips.csv' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(getUi().panel).toBe('notebooks');
    expect(opened).toEqual(['notebook busy.sql: SELECT 1', 'views /d/fleet.parquet, /tmp/trips.csv true']);
    expect(reported).toEqual([['/tmp/trips.csv: outside notebooks.roots']]);
  });
});
