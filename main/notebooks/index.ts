/** Notebooks: SQL over the history and opened files on a DuckDB of their own, in a child process of their own (a crash there spares the engine). */
export { NotebookService, type NotebookSettings } from './notebook-service';
export { LazyNotebooks, notebookRoots, notebookSettingsOf } from './lazy-notebooks';
export { NotebookQueryError } from './notebook-process';
export { notebookHandlers, dropClientQueries, type NotebookClient } from './notebook-handlers';
export { takeSnapshot, parquetFiles, type SnapshotInputs } from './snapshot';
export { viewStatements, type NotebookSources } from './views';
export { registerH3, H3_MACROS } from './h3-functions';
export { QueryRunner, QueryError } from './query-runner';
export { sqlCommand, type SqlFormat } from './sql-command';
export { openSandbox, type SandboxOptions } from './sandbox';
export { SandboxRefusal } from './sql-guard';
export { APPROVED_EXTENSIONS, DUCKDB_VERSION, type ExtensionState } from './extensions';
export { fenceImportCommand, type FenceImportResult } from './fence-import-command';
