/** SQLite files: opened in WAL mode, migrated, refused with a clear error when damaged or locked. */
export { DatabaseFileError, openDatabase, type OpenOptions } from './open-database';
export { Checkpointer } from './checkpointer';
