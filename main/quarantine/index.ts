/** Quarantine: the messages ingest refused, kept with why in the history's DuckDB, to inspect, export and purge. */
export { quarantineHandlers } from './quarantine-handlers';
