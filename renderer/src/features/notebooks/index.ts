/** Notebooks: SQL over the history on the engine's notebook thread, cells saved as a plain .sql file. */
export { NotebooksPanel } from './NotebooksPanel';
export { notebooksCommands } from './notebook-commands';
// What the desktop's open-with (a .sql notebook, data files by path) calls: app/desktop-shell.ts.
export { openNotebook } from './notebook-state';
export { openPaths } from './NotebookSources';
// The first start's welcome opens an archive's folder in a new notebook.
export { openArchiveNotebook } from './archive-notebook';
import './notebooks.css'; // after the exports: it follows the ui/ and map/ sheets they import
