import type { Command } from './commands';
import { toggleHelp } from './help-dialogs';
import { PANELS, togglePanel } from './Rail';
import { toggleNotebooksWhole } from './side-panel';
import { getUi, setUi } from './ui-store';

/** The workbench's own commands: the palette, help, the theme, the side panels. */
export function workbenchCommands(): Command[] {
  return [
    { id: 'palette', title: 'Command palette', group: 'Workbench', shortcut: 'Mod+K', run: () => setUi((s) => ({ paletteOpen: !s.paletteOpen })) },
    { id: 'help.shortcuts', title: 'Keyboard shortcuts', group: 'Workbench', shortcut: '?', run: () => toggleHelp('shortcuts') },
    { id: 'help.guide', title: 'User guide', group: 'Workbench', shortcut: 'F1', run: () => toggleHelp('guide') },
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
      title: 'Whole window, or split with the map',
      group: 'Notebooks',
      shortcut: 'w',
      enabled: () => getUi().panel === 'notebooks',
      when: 'the Notebooks panel is open',
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
