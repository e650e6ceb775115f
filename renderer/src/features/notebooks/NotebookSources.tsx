import { useState } from 'react';
import { invalidatesOf, type OpenedView, type RpcClient } from '../../../../shared/rpc';
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

/** A GIS file's other layers (a GeoPackage holds several): each opens as a view of its own. */
function OtherLayers({ source }: { source: OpenedView }) {
  const others = source.layers!.filter((l) => l.name !== source.layer);
  const [layer, setLayer] = useState(others[0]?.name ?? '');
  const open = useMutation('notebooks.open');
  if (!others.length) return null;
  return (
    <form
      className="nb-layers"
      aria-label={`Other layers of ${source.view}`}
      onSubmit={(e) => {
        e.preventDefault();
        void open.run({ path: source.path, layer }).catch(() => undefined);
      }}
    >
      <label>
        {others.length === 1 ? 'Also in the file' : `${others.length} more layers in the file`}
        <select value={layer} onChange={(e) => setLayer(e.target.value)} aria-label="Layer">
          {others.map((l) => (
            <option key={l.name} value={l.name}>
              {l.name} ({l.features} {l.features === 1 ? 'feature' : 'features'})
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!layer || open.pending}>
        {open.pending ? 'Opening…' : 'Open layer'}
      </button>
      {open.error && (
        <p className="nb-error" role="alert">
          {open.error.message}
        </p>
      )}
    </form>
  );
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
            Path of a Parquet file or folder, a glob, CSV, TSV, NDJSON, JSON, GeoJSON, or a GIS file (GeoPackage, Shapefile, KML/KMZ, FlatGeobuf)
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
                  {s.kind}
                  {s.layer && ` · layer ${s.layer}`}
                  {s.crs && s.crs !== 'EPSG:4326' && ` · ${s.crs} → WGS84`} · {s.path}
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
              {s.note && (
                <p className="nb-source-note" role="note">
                  {s.note}
                </p>
              )}
              {(s.layers?.length ?? 0) > 1 && <OtherLayers source={s} />}
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
