import { useState } from 'react';
import { useEngine, useJob, useRpc, type Job } from '../../engine';
import type { Cell } from './notebook-file';
import { useKeptRun } from './kept-results';
import { KeptResult } from './KeptResult';
import { cellError, cellJob, currentCell, editCell, removeCell, runCell, runCells } from './notebook-state';
import { MarkdownView } from './MarkdownView';
import { ResultGrid } from './ResultGrid';
import { ResultViews } from './ResultViews';
import { SqlEditor } from './SqlEditor';

/** One cell: SQL with its run, progress and result; or Markdown, edited in place and read rendered. */
export function NotebookCell({ cell, index }: { cell: Cell; index: number }) {
  const { client } = useEngine();
  const run = useJob('notebooks.run', cellJob(cell.id));
  const [editing, setEditing] = useState(cell.kind === 'markdown' && !cell.source);
  const label = `Cell ${index + 1}`;
  const { data: sources } = useRpc('notebooks.sources', {});
  const kept = useKeptRun(cell.id);
  // The cell worked in is the one the palette's cell commands act on.
  const choose = () => currentCell.set(cell.id);
  if (cell.kind === 'markdown')
    return (
      <section className="nb-cell nb-markdown" aria-label={label} onFocus={choose}>
        {editing ? (
          <textarea
            aria-label="Markdown"
            value={cell.source}
            autoFocus
            rows={Math.max(3, cell.source.split('\n').length)}
            onChange={(e) => editCell(cell.id, { source: e.target.value })}
            onBlur={() => setEditing(false)}
          />
        ) : (
          <div
            role="button"
            tabIndex={0}
            aria-label={`Edit notes of ${label}`}
            onDoubleClick={() => setEditing(true)}
            onKeyDown={(e) => e.key === 'Enter' && setEditing(true)}
          >
            <MarkdownView source={cell.source || '*Empty note: double-click to write.*'} />
          </div>
        )}
        <div className="nb-actions">
          <button onClick={() => removeCell(cell.id)}>Delete cell</button>
        </div>
      </section>
    );
  const running = run.running;
  const error = run.status === 'failed' && run.error ? cellError(run.error) : undefined;
  const rows = run.progress?.rows ?? 0;
  const views = Object.fromEntries((sources ?? []).map((s) => [s.view, s.columns.map((c) => c.name)]));
  return (
    <section className="nb-cell" aria-label={label} aria-busy={running} onFocus={choose}>
      <SqlEditor
        value={cell.source}
        onChange={(source) => editCell(cell.id, { source })}
        onRun={() => void runCell(client, cell.id)}
        error={error}
        views={views}
        complete={(sql, cursor) => client.call('notebooks.complete', { sql, cursor })}
      />
      <div className="nb-actions" role="toolbar" aria-label={`Actions of ${label}`}>
        {running ? (
          <button onClick={() => void run.cancel()}>Cancel query</button>
        ) : (
          <button
            className="primary"
            disabled={!cell.source.trim()}
            title={cell.source.trim() ? 'Run cell (Ctrl/⌘+Enter)' : 'Type a query to run'}
            onClick={() => void runCell(client, cell.id)}
          >
            Run cell
          </button>
        )}
        <button disabled={running} onClick={() => void runCells(client, cell.id)}>
          Run from here
        </button>
        <button onClick={() => removeCell(cell.id)}>Delete cell</button>
        <input
          className="nb-name mono"
          aria-label="Result name"
          placeholder="name its result"
          title="Later cells query this cell's result by this name"
          value={cell.name ?? ''}
          onChange={(e) => editCell(cell.id, { name: e.target.value.replace(/[^A-Za-z0-9_]/g, '') || undefined })}
        />
        <RunStatus run={run} />
      </div>
      {error && (
        <pre className="nb-error" role="alert">
          {error.message}
        </pre>
      )}
      {run.result && run.status === 'done' && <ResultViews cell={cell} label={label} summary={run.result} />}
      {run.status === 'idle' && kept && <KeptResult cell={cell} label={label} kept={kept} />}
      {running && run.progress?.columns && rows > 0 && <ResultGrid cellId={cell.id} columns={run.progress.columns} rows={rows} />}
    </section>
  );
}

function RunStatus({ run }: { run: Job<'notebooks.run'> }) {
  if (run.status === 'running') {
    const percent = run.progress?.percent;
    return (
      <span className="muted" role="status">
        <progress aria-label="Query progress" max={100} value={percent} /> {(run.progress?.rows ?? 0).toLocaleString()} rows
        {percent !== undefined ? ` · ${Math.round(percent)} %` : ''}
      </span>
    );
  }
  if (run.status === 'cancelled')
    return (
      <span className="muted" role="status">
        Cancelled.
      </span>
    );
  if (run.status !== 'done' || !run.result) return null;
  const s = run.result;
  return (
    <span className="muted" role="status">
      {s.rows.toLocaleString()} row{s.rows === 1 ? '' : 's'}
      {s.truncated ? ' shown (the first of more)' : ''} in {s.ms.toLocaleString()} ms · data as of {new Date(s.snapshotAt).toLocaleTimeString()}
    </span>
  );
}
