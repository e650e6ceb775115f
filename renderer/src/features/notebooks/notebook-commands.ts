import type { Command } from '../../app/commands';
import { createStore } from '../../app/store';
import { getUi } from '../../app/ui-store';
import { saveFile } from '../../ui';
import { serializeNotebook } from './notebook-file';
import { addCell, getNotebook, markSaved, newNotebook, openNotebook, runCells } from './notebook-state';

/** Whether the panel's "Open file" form is shown (its button and the command open it). */
export const openFileForm = createStore(false);

/** Saves the notebook as a `.sql` file (the browser's download; the desktop's save dialog does the same). */
export function saveNotebook(): void {
  const { name, cells } = getNotebook();
  saveFile(serializeNotebook(cells), `${name || 'notebook'}.sql`, 'application/sql');
  markSaved(name);
}

export function pickNotebook(): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.sql,text/plain,application/sql';
  input.onchange = async () => {
    const file = input.files?.[0];
    if (file) openNotebook(file.name, await file.text());
  };
  input.click();
}

/** The notebook's commands apply while its panel is open. */
const panelOpen = () => getUi().panel === 'notebooks';

export function notebooksCommands(): Command[] {
  return [
    { id: 'notebook.new', title: 'New notebook', group: 'Notebooks', enabled: panelOpen, run: newNotebook },
    {
      id: 'notebook.runAll',
      title: 'Run every cell of the notebook',
      group: 'Notebooks',
      shortcut: 'Mod+Shift+Enter',
      enabled: panelOpen,
      run: ({ client }) => void runCells(client),
    },
    { id: 'notebook.save', title: 'Save the notebook as a .sql file', group: 'Notebooks', enabled: panelOpen, run: saveNotebook },
    { id: 'notebooks.open', title: 'Open a notebook (.sql file)', group: 'Notebooks', enabled: panelOpen, run: pickNotebook },
    { id: 'notebook.addSql', title: 'Add a SQL cell to the notebook', group: 'Notebooks', enabled: panelOpen, run: () => void addCell('sql') },
    {
      id: 'notebook.openFile',
      title: 'Open a Parquet, CSV or GeoJSON file as a view',
      group: 'Notebooks',
      enabled: panelOpen,
      run: () => openFileForm.set(true),
    },
  ];
}
