import type { Command } from './commands';
import { PANELS, togglePanel } from './Rail';
import { toggleNotebooksWhole } from './side-panel';
import { getUi, setUi } from './ui-store';

/** The workbench's own commands: the palette, the theme, the side panels. */
export function workbenchCommands(): Command[] {
  return [
    { id: 'palette', title: 'Show every command', group: 'Workbench', shortcut: 'Mod+K', run: () => setUi((s) => ({ paletteOpen: !s.paletteOpen })) },
    { id: 'palette.help', title: 'Show every command and its shortcut', group: 'Workbench', shortcut: '?', run: () => setUi({ paletteOpen: true }) },
    {
      id: 'theme',
      title: 'Switch between the dark and the light theme',
      group: 'Workbench',
      shortcut: 't',
      run: () => setUi((s) => ({ theme: s.theme === 'dark' ? 'light' : 'dark' })),
    },
    { id: 'panel.close', title: 'Close the side panel', group: 'Workbench', run: () => setUi({ panel: null }) },
    {
      id: 'notebooks.wholeWindow',
      title: 'Notebooks: take the whole window, or share it with the map',
      group: 'Notebooks',
      shortcut: 'w',
      enabled: () => getUi().panel === 'notebooks',
      run: toggleNotebooksWhole,
    },
    ...PANELS.map((p) => ({
      id: `panel.${p.id}`,
      title: `Open or close the ${p.title} panel`,
      group: 'Workbench',
      shortcut: p.shortcut,
      run: () => togglePanel(p.id),
    })),
  ];
}
