import type { HistoryStore } from '../history';
import type { FenceService } from './fence-service';

/**
 * Positions are committed (DuckDB) before the events they produce (SQLite), so a crash between the two
 * leaves the queue's ingest mark behind the history's. Before ingest resumes, the positions in between
 * go through the fences again and their events are recorded with the history's mark. Either way each
 * device starts from its last position the fences saw. A queue that never saw the stream (mark 0) gets
 * no replay: old history is not news.
 */
export async function catchUpFences(
  history: HistoryStore,
  fences: FenceService,
  stream: string,
  queueMark: number,
  log: (line: string) => void = () => {},
): Promise<number> {
  const ranges = await history.committedRanges(stream);
  const committed = ranges.length ? ranges[ranges.length - 1][1] : 0;
  if (queueMark === 0) return 0;
  // Each device where the fences last saw it, so its next fix is no "first fix".
  fences.seed(await history.latestHotPositions(queueMark));
  if (committed <= queueMark) return 0;
  const fixes = await history.hotPositionsBetween(queueMark, committed);
  fences.ingest(fixes, { stream, seq: committed });
  log(`fences: ${fixes.length} positions committed before the last stop (seq ${queueMark + 1}–${committed}) went through the fences again`);
  return fixes.length;
}
