import type { HistoryStore } from '../history';
import type { FenceService } from './fence-service';

/**
 * Positions are committed (DuckDB) before the events they produce (SQLite), so a crash between the two
 * leaves the queue's ingest mark behind the history's. Before ingest resumes, the positions in between
 * go through the fences again and their events are recorded with the history's mark. Either way each
 * device starts from its last position the fences saw. A queue that never saw the stream (mark 0) gets
 * no replay: old history is not news. With partitions there is none: the partition's owner has those positions redelivered.
 */
export async function catchUpFences(
  history: HistoryStore,
  fences: FenceService,
  stream: string,
  queueMark: number,
  log: (line: string) => void = () => {},
): Promise<number> {
  // With partitions, what this engine committed without its events was not acked either: its partition's owner gets it again.
  if (fences.handover.partitioned) return 0;
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
