import { useEffect, useState } from 'react';
import type { RpcClient } from '../../../../shared/rpc';
import { registerCommands } from '../../app/commands';
import { useEngine } from '../../engine';
import { Panel } from '../../ui';
import { serializeNotebook } from './notebook-file';
import { addCell, getNotebook, markSaved, newNotebook, openNotebook, runCells, useNotebook } from './notebook-state';
import { NotebookCell } from './NotebookCell';
import { NotebookHistory } from './NotebookHistory';
import { NotebookSources, openPaths } from './NotebookSources';
import { planDrop } from './dropped-files';

/** Saves the notebook as a `.sql` file (the browser's download; the desktop's save dialog does the same). */
function saveNotebook(): void {
  const { name, cells } = getNotebook();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([serializeNotebook(cells)], { type: 'application/sql' }));
  a.download = `${name || 'notebook'}.sql`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  markSaved(name);
}

function pickNotebook(): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.sql,text/plain,application/sql';
  input.onchange = async () => {
    const file = input.files?.[0];
    if (file) openNotebook(file.name, await file.text());
  };
  input.click();
}

const commands = (client: RpcClient) => [
  { id: 'notebook.new', title: 'New notebook', group: 'Notebooks', run: newNotebook },
  { id: 'notebook.runAll', title: 'Run every cell of the notebook', group: 'Notebooks', shortcut: 'Mod+Shift+Enter', run: () => void runCells(client) },
  { id: 'notebook.save', title: 'Save the notebook as a .sql file', group: 'Notebooks', run: saveNotebook },
  { id: 'notebooks.open', title: 'Open a notebook (.sql file)', group: 'Notebooks', run: pickNotebook },
  { id: 'notebook.addSql', title: 'Add a SQL cell to the notebook', group: 'Notebooks', run: () => void addCell('sql') },
];

/** SQL notebooks over the history: cells of SQL and notes, run on the engine's notebook thread, answers as grids. */
export function NotebooksPanel() {
  const { client, files } = useEngine();
  const notebook = useNotebook();
  const [opening, setOpening] = useState(false);
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
  useEffect(
    () =>
      registerCommands([
        ...commands(client),
        { id: 'notebook.openFile', title: 'Open a Parquet, CSV or GeoJSON file as a view', group: 'Notebooks', run: () => setOpening(true) },
      ]),
    [client],
  );
  return (
    <Panel title="Notebooks">
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
        <div className="toolbar">
          <button onClick={() => addCell('sql')}>Add SQL cell</button>
          <button onClick={() => addCell('markdown')}>Add notes</button>
        </div>
        <p className="muted">
          Views: <code>positions</code>, <code>fence_events</code>, <code>quarantine</code>, <code>fences</code>, <code>market</code>; H3:{' '}
          <code>h3_cell(lat, lon, res)</code>, <code>h3_parent</code>, <code>h3_string</code>, <code>h3_lat</code>, <code>h3_lon</code>. Drop files here to open
          them.
        </p>
      </div>
    </Panel>
  );
}
