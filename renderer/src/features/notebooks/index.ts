/** Notebooks: SQL over the Parquet history (the panel says what will come). */
export { NotebooksPanel } from './NotebooksPanel';
