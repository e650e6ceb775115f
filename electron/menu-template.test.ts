import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { MenuCommand } from '../shared/bridge';
import { accelerator, menuTemplate } from './menu-template';

const commands: MenuCommand[] = [
  { id: 'palette', title: 'Command palette', group: 'Workbench', shortcut: 'Mod+K', enabled: true },
  { id: 'panel.heatmap', title: 'Heatmap panel', group: 'Workbench', shortcut: 'h', enabled: true },
  { id: 'heatmap.finer', title: 'Finer cells', group: 'Heatmap', shortcut: ']', enabled: true },
  { id: 'fences.undo', title: 'Undo a drawing step', group: 'Fences', shortcut: 'Mod+Z', enabled: false },
  { id: 'notebook.runAll', title: 'Run every cell', group: 'Notebooks', shortcut: 'Mod+Shift+Enter', enabled: false },
  { id: 'heatmap.fit', title: 'Fit to data', group: 'Heatmap', enabled: true },
];

function recorded() {
  const calls: string[] = [];
  return { calls, actions: { run: (id: string) => calls.push(`run ${id}`), about: () => calls.push('about'), showLogs: () => calls.push('logs') } };
}

const submenu = (item: MenuItemConstructorOptions | undefined) => item?.submenu as MenuItemConstructorOptions[];
const byLabel = (template: MenuItemConstructorOptions[], label: string) => template.find((m) => m.label === label);
const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

describe('menuTemplate', () => {
  it('makes a menu of each group, in the order the groups first come, between File and the standard Edit, View, Window and Help', () => {
    const template = menuTemplate(commands, 'linux', recorded().actions);
    expect(template.map((m) => m.label ?? m.role)).toEqual([
      'fileMenu',
      'Workbench',
      'Heatmap',
      'Fences',
      'Notebooks',
      'editMenu',
      'View',
      'windowMenu',
      'help',
    ]);
    expect(submenu(byLabel(template, 'Heatmap')).map((i) => i.id)).toEqual(['heatmap.finer', 'heatmap.fit']);
  });

  it('registers Mod chords as accelerators, shows single keys and the chords Edit owns without taking them, and follows enabled', () => {
    const items = menuTemplate(commands, 'linux', recorded().actions).flatMap((m) => (m.label && m.role === undefined ? (submenu(m) ?? []) : []));
    const item = (id: string) => items.find((i) => i.id === id)!;
    expect(item('palette')).toMatchObject({ label: 'Command palette', accelerator: 'CommandOrControl+K', registerAccelerator: true, enabled: true });
    expect(item('panel.heatmap')).toMatchObject({ accelerator: 'H', registerAccelerator: false });
    expect(item('heatmap.finer')).toMatchObject({ accelerator: ']', registerAccelerator: false });
    expect(item('fences.undo')).toMatchObject({ accelerator: 'CommandOrControl+Z', registerAccelerator: false, enabled: false });
    expect(item('notebook.runAll')).toMatchObject({ accelerator: 'CommandOrControl+Shift+Enter', registerAccelerator: true, enabled: false });
    expect(item('heatmap.fit').accelerator).toBeUndefined();
  });

  it('sends a chosen command’s id back, and opens About and the log folder from Help', () => {
    const { calls, actions } = recorded();
    const template = menuTemplate(commands, 'win32', actions);
    click(submenu(byLabel(template, 'Workbench'))[0]!);
    const help = submenu(template.find((m) => m.role === 'help'));
    for (const i of help) if (i.click) click(i);
    expect(calls).toEqual(['run palette', 'logs', 'about']);
  });

  it('puts About and Quit in the app menu on macOS', () => {
    const { calls, actions } = recorded();
    const template = menuTemplate(commands, 'darwin', actions);
    expect(template[0]!.label).toBe('hexwatch');
    const app = submenu(template[0]);
    expect(app.map((i) => i.role ?? i.label ?? i.type)).toEqual([
      'About hexwatch',
      'separator',
      'services',
      'separator',
      'hide',
      'hideOthers',
      'unhide',
      'separator',
      'quit',
    ]);
    click(app[0]!);
    expect(calls).toEqual(['about']);
    expect(submenu(template.find((m) => m.role === 'help')).map((i) => i.label)).toEqual(['Show log files']);
  });
});

describe('accelerator', () => {
  it('names keys as Electron does', () => {
    expect(accelerator('Mod+Shift+Z')).toBe('CommandOrControl+Shift+Z');
    expect(accelerator('Escape')).toBe('Escape');
    expect(accelerator('/')).toBe('/');
  });
});
