/** Notebooks: SQL over the history on the engine's notebook thread, cells saved as a plain .sql file. */
export { NotebooksPanel } from './NotebooksPanel';
export { notebooksCommands } from './notebook-commands';
import './notebooks.css'; // after the exports: it follows the ui/ and map/ sheets they import
