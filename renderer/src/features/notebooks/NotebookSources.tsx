import { useState } from 'react';
import { invalidatesOf, type RpcClient } from '../../../../shared/rpc';
import { invalidate, useEngine, useMutation, useRpc } from '../../engine';
import { addCell, runCell } from './notebook-state';

/** Opens each path as a view; what could not be opened, with the engine's reason. */
export async function openPaths(client: RpcClient, paths: readonly string[]): Promise<string[]> {
  const failed: string[] = [];
  for (const path of paths) await client.call('notebooks.open', { path }).catch((err: Error) => failed.push(`${path}: ${err.message}`));
  // Once after them all: a refresh asked while one is in flight would be dropped.
  if (paths.length) invalidate(client, invalidatesOf('notebooks.open'));
  return failed;
}

/**
 * Files opened as views: a path typed here (inside `notebooks.roots`), or files chosen in the desktop's
 * dialog, become views named after the files, their columns listed; Query puts a first SELECT of one in a new cell.
 */
export function NotebookSources({ opening, onClose }: { opening: boolean; onClose(): void }) {
  const { client, files } = useEngine();
  const { data: sources } = useRpc('notebooks.sources', {});
  const [chosenErrors, setChosenErrors] = useState<string[]>([]);
  const open = useMutation('notebooks.open');
  const [path, setPath] = useState('');
  return (
    <>
      {opening && (
        <form
          className="nb-open"
          aria-label="Open file"
          onSubmit={(e) => {
            e.preventDefault();
            void open
              .run({ path: path.trim() })
              .then(() => {
                setPath('');
                onClose();
              })
              .catch(() => undefined);
          }}
        >
          <label className="stack">
            Path of a Parquet file or folder, a glob, CSV, TSV, NDJSON, JSON or GeoJSON
            <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/trips/**/*.parquet" autoFocus spellCheck={false} />
          </label>
          <div className="nb-actions">
            <button type="submit" className="primary" disabled={!path.trim() || open.pending}>
              {open.pending ? 'Opening…' : 'Open'}
            </button>
            {files && (
              <button
                type="button"
                onClick={async () => {
                  const failed = await openPaths(client, await files.pick());
                  setChosenErrors(failed);
                  if (!failed.length) onClose();
                }}
              >
                Choose files…
              </button>
            )}
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
          {chosenErrors.map((e) => (
            <p key={e} className="nb-error" role="alert">
              {e}
            </p>
          ))}
          {open.error && (
            <p className="nb-error" role="alert">
              {open.error.message}
            </p>
          )}
        </form>
      )}
      {(sources ?? []).length > 0 && (
        <section className="nb-sources" aria-label="Sources">
          {sources!.map((s) => (
            <details key={s.view}>
              <summary>
                <code>{s.view}</code>{' '}
                <span className="muted">
                  {s.kind} · {s.path}
                </span>
                <button
                  title={`Adds a cell selecting the first 100 rows of ${s.view}, and runs it`}
                  onClick={(e) => {
                    e.preventDefault();
                    void runCell(client, addCell('sql', `SELECT * FROM ${s.view} LIMIT 100`));
                  }}
                >
                  Query {s.view}
                </button>
              </summary>
              <ul className="nb-schema" aria-label={`Columns of ${s.view}`}>
                {s.columns.map((c) => (
                  <li key={c.name}>
                    {c.name} <span className="muted">{c.type}</span>
                  </li>
                ))}
              </ul>
            </details>
          ))}
        </section>
      )}
    </>
  );
}
