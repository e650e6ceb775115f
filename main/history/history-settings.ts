import type { Config } from '../config';
import type { HistoryOptions } from './history-store';

/** The store's options from the `history` section of the configuration (its roll interval is the RollSchedule's). */
export function historyOptionsOf(h: Config['history']): Pick<HistoryOptions, 'retentionDays' | 'graceMs' | 'memoryLimit' | 'checkpointRows'> {
  return { retentionDays: h.retentionDays, graceMs: h.graceS * 1000, memoryLimit: `${h.memoryLimitMb}MB`, checkpointRows: h.checkpointRows };
}
