/**
 * The Parquet archive any tool reads as it is (`<dataDir>/archive/<table>/date=…/hour=…/part-….parquet`):
 * its layout, durable file operations, scratch DuckDB sessions (always in UTC), and the readers and
 * writers of its tables. The history room rolls positions into it; the queue copies fence events.
 */
export { DAY_MS, HOUR_MS, hourDir, hourPartition, hourStart, partPath, retentionBound, rollCutoff, sqlString, tmpPathOf } from './layout';
export { globMatches, UTC_SESSION, withScratchDuckDB } from './scratch-duckdb';
export { durableRename, exists, rmdirIfEmpty, unlinkIfPresent } from './durable-files';
export { archiveFenceEvents, archivePastFenceEvents, type EventSource, type LoggedEvent } from './fence-events-writer';
export { archivedEvents, countArchivedEvents, type ArchivedEventFilter } from './fence-events-reader';
export { readArchivedPositions, type ArchivedPositionChunk } from './positions-reader';
export { removeTaggedParts } from './tagged-parts';
export { listFinishedParts, type PartStamp } from './finished-parts';
export { archiveMarketSnapshots, MARKET_TABLE, type MarketSnapshot } from './market-writer';
