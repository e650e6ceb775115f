import { useEngine, useRpc } from '../../engine';
import type { KeptRun } from './kept-results';
import type { Cell } from './notebook-file';
import { runCell } from './notebook-state';
import { ResultViews } from './ResultViews';

/** A time as the analyst reads it: the time alone today, the date too before. */
function when(at: number): string {
  const d = new Date(at);
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}

/**
 * A cell's result from before a reload: when it ran and what it found, its first rows as a grid, chart or
 * map, "Run again" for the answer now — and a word when the history has changed since, or the SQL has.
 */
export function KeptResult({ cell, label, kept }: { cell: Cell; label: string; kept: KeptRun }) {
  const { client } = useEngine();
  const { data: counts } = useRpc('history.counts', {}, { refreshOn: ['status.changed'] });
  const now = counts ? counts.hot + counts.archived + counts.quarantined : undefined;
  const moved = kept.historyRows !== undefined && now !== undefined && now !== kept.historyRows;
  const { rows, ms, snapshotAt } = kept.summary;
  const partial = kept.preview !== undefined && kept.previewRows < rows;
  return (
    <>
      <div className="nb-kept" role="status" aria-label={`Last result of ${label}`}>
        <p>
          Last run {when(kept.at)}: {rows.toLocaleString()} row{rows === 1 ? '' : 's'} in {ms.toLocaleString()} ms · data as of {when(snapshotAt)}
        </p>
        <button title="Runs the cell's SQL again, over the data as it is now" onClick={() => void runCell(client, cell.id)}>
          Run again
        </button>
        {moved && (
          <p className="nb-note">
            The data has moved on since: {kept.historyRows!.toLocaleString()} rows in the history then, {now.toLocaleString()} now. Run again for the answer as
            of now.
          </p>
        )}
        {partial && (
          <p className="nb-note">
            First {kept.previewRows.toLocaleString()} rows kept — Run again for all {rows.toLocaleString()}. Until then they are not drawn on the map.
          </p>
        )}
        {kept.sql !== cell.source && <p className="nb-note">The SQL has been edited since it ran: this is the result of the SQL before.</p>}
      </div>
      {kept.preview !== undefined ? (
        <ResultViews
          cell={cell}
          label={label}
          summary={{ ...kept.summary, rows: kept.previewRows, nulls: partial ? kept.summary.nulls.map(() => 0) : kept.summary.nulls }}
          partial={partial}
        />
      ) : (
        <p className="muted">Its rows were too many to keep in the browser: Run again to see them.</p>
      )}
    </>
  );
}
