import { useEffect, useState } from 'react';
import { WholeWindowToggle } from '../../app/SidePanel';
import { useEngine } from '../../engine';
import { Panel } from '../../ui';
import { openFileForm, pickNotebook, saveNotebook } from './notebook-commands';
import { addCell, newNotebook, openNotebook, runCells, useNotebook } from './notebook-state';
import { NotebookCell } from './NotebookCell';
import { NotebookHistory } from './NotebookHistory';
import { NotebookSources, openPaths } from './NotebookSources';
import { planDrop } from './dropped-files';

/** SQL notebooks over the history: cells of SQL and notes, run on the engine's notebook thread, answers as grids. */
export function NotebooksPanel() {
  const { client, files } = useEngine();
  const notebook = useNotebook();
  const opening = openFileForm.use();
  const setOpening = openFileForm.set;
  const [dragging, setDragging] = useState(false);
  const [dropped, setDropped] = useState<{ text: string; error: boolean }>();
  const drop = async (list: readonly File[]) => {
    const plan = planDrop(list, files?.pathOf);
    if (plan.notebook) openNotebook(plan.notebook.name, await plan.notebook.text());
    const failed = await openPaths(client, plan.paths);
    const lines = [
      ...failed,
      ...(plan.unplaced.length
        ? [`A browser does not say where ${plan.unplaced.join(', ')} is on disk: type its path in Open file (the desktop app opens dropped files directly).`]
        : []),
    ];
    if (plan.unplaced.length) setOpening(true);
    const opened = plan.paths.length - failed.length;
    setDropped(
      lines.length
        ? { text: lines.join('\n'), error: true }
        : { text: `Opened ${opened ? `${opened} file${opened === 1 ? '' : 's'} as views` : plan.notebook?.name}.`, error: false },
    );
  };
  // The form starts closed each time the panel opens.
  useEffect(() => () => setOpening(false), []);
  return (
    <Panel title="Notebooks" actions={<WholeWindowToggle />}>
      <div
        className="nb-drop"
        data-dragging={dragging || undefined}
        onDragOver={(e) => {
          if (![...e.dataTransfer.types].includes('Files')) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={(e) => {
          if (!e.dataTransfer.files.length) return;
          e.preventDefault();
          setDragging(false);
          void drop([...e.dataTransfer.files]);
        }}
      >
        {dragging && <p className="nb-drop-hint">Drop Parquet, CSV, NDJSON or GeoJSON files to open them as views, or a .sql notebook</p>}
        <div className="toolbar" role="toolbar" aria-label="Notebook">
          <button onClick={newNotebook}>New notebook</button>
          <button onClick={pickNotebook}>Open notebook</button>
          <button onClick={saveNotebook}>Save notebook</button>
          <button title="Run all (Ctrl/⌘+Shift+Enter)" onClick={() => void runCells(client)}>
            Run all
          </button>
          <button aria-pressed={opening} onClick={() => setOpening(!opening)}>
            Open file
          </button>
        </div>
        {dropped && (
          <p className={dropped.error ? 'nb-error' : 'toast'} role={dropped.error ? 'alert' : 'status'}>
            {dropped.text}
          </p>
        )}
        <NotebookSources opening={opening} onClose={() => setOpening(false)} />
        <NotebookHistory />
        <p className="muted nb-title">
          {notebook.name}
          {notebook.dirty ? ' · not saved' : ''}
        </p>
        {notebook.recovered && (
          <p className="toast" role="status">
            Brought back the notebook that was open when the workstation last closed without saving.
          </p>
        )}
        {notebook.cells.map((cell, i) => (
          <NotebookCell key={cell.id} cell={cell} index={i} />
        ))}
        <div className="toolbar" role="toolbar" aria-label="Add a cell">
          <button onClick={() => addCell('sql')}>Add SQL cell</button>
          <button onClick={() => addCell('markdown')}>Add notes</button>
        </div>
        <p className="muted">
          Views: <code>positions</code>, <code>fence_events</code>, <code>quarantine</code>, <code>fences</code>, <code>market</code>; H3:{' '}
          <code>h3_cell(lat, lon, res)</code>, <code>h3_parent</code>, <code>h3_string</code>, <code>h3_lat</code>, <code>h3_lon</code>,{' '}
          <code>h3_boundary</code>; spatial: each view&apos;s <code>geom</code>, <code>ST_Within(p.geom, f.geom)</code>,{' '}
          <code>geodesic_circle(lon, lat, radius_m)</code>. Drop files here to open them.
        </p>
      </div>
    </Panel>
  );
}
