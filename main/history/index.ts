export {
  HistoryStore,
  type CommitBatch,
  type FaultPoint,
  type HistoryCounts,
  type HistoryOptions,
  type ParquetOptions,
  type PruneResult,
  type RollResult,
} from './history-store';
export { type PositionRow, type QuarantineRow } from './tables';
export { PositionBatch } from './position-batch';
export { type QuarantineEntry, type QuarantineFilter, type QuarantineMessage, type QuarantinePage, QuarantineTable } from './quarantine-table';
export { type SeqRange, highWaterOf, mergeRanges } from './committed-ranges';
export { SeqRanges, type Range } from './seq-ranges';
export { historyHandlers } from './history-handlers';
export { RollSchedule } from './roll-schedule';
export { historyOptionsOf } from './history-settings';
export { writeHistorySnapshot, type HistorySnapshot } from './history-snapshot';
export { Session } from './session';
export { openHistoryRoom } from './history-room';
