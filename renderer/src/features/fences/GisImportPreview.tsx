import { useState } from 'react';
import { useEngine } from '../../engine';
import { cancelGisImport, chooseGisCrs, chooseGisLayer, chooseGisNameColumn, gisFocus, importGisFences, useGisImport } from './gis-import';

/**
 * A GIS file read for import, before anything is saved: where it comes from (layer, CRS), the column that
 * names the fences, the fences it makes and each feature refused with its reason (a click flies to one that
 * has a geometry), then **Import N fences**. The map shows the same preview (GisPreviewLayer).
 */
export function GisImportPreview() {
  const { client } = useEngine();
  const gis = useGisImport();
  const [crs, setCrs] = useState('');
  if (!gis) return null;
  const p = gis.preview;
  const n = gis.fences.length;
  return (
    <section className="gis-import" aria-label="Import preview">
      <header>
        <strong>{gis.title}</strong>
        {p && (
          <span className="muted">
            {' '}
            · {p.features.length} feature{p.features.length === 1 ? '' : 's'}
            {p.truncated ? ' (the first only)' : ''} · from {p.crs ?? 'an unknown CRS'}
          </span>
        )}
      </header>
      {gis.reading && <p className="muted">Reading…</p>}
      {gis.error && <p role="alert">{gis.error}</p>}
      {p && (
        <div className="gis-fields">
          {p.layers.length > 1 && (
            <label>
              Layer
              <select value={p.layer} disabled={gis.reading} onChange={(e) => void chooseGisLayer(client, e.target.value)}>
                {p.layers.map((l) => (
                  <option key={l.name} value={l.name}>
                    {l.name} ({l.features})
                  </option>
                ))}
              </select>
            </label>
          )}
          <label>
            Name column
            <select value={gis.nameColumn ?? ''} onChange={(e) => chooseGisNameColumn(e.target.value || null)}>
              <option value="">(none: numbered)</option>
              {p.columns.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          {(!p.crs || gis.crs) && (
            <form
              className="gis-crs"
              onSubmit={(e) => {
                e.preventDefault();
                void chooseGisCrs(client, crs);
              }}
            >
              <label>
                CRS of the file
                <input value={crs} placeholder="EPSG:27700" pattern="[A-Za-z]+:[A-Za-z0-9]+" onChange={(e) => setCrs(e.target.value)} />
              </label>
              <button type="submit" disabled={gis.reading || !crs.trim()}>
                Read in this CRS
              </button>
            </form>
          )}
        </div>
      )}
      {n > 0 && <h3>To import ({n})</h3>}
      {n > 0 && (
        <ul className="gis-fences" aria-label="Fences to import">
          {gis.fences.map((f) => (
            <li key={f.index}>{f.fence.name}</li>
          ))}
        </ul>
      )}
      {gis.refused.length > 0 && <h3>Refused ({gis.refused.length})</h3>}
      {gis.refused.length > 0 && (
        <ul className="gis-refused" aria-label="Refused features">
          {gis.refused.map((r) => (
            <li key={r.index}>
              {r.geometry ? (
                <button className="link" title="Show it on the map" onClick={() => gisFocus.set({ geometry: r.geometry!, at: Date.now() })}>
                  {r.name}
                </button>
              ) : (
                <span>{r.name}</span>
              )}
              : {r.reason}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button className="primary" disabled={!n || gis.reading} onClick={() => void importGisFences(client)}>
          Import {n} fence{n === 1 ? '' : 's'}
        </button>
        <button onClick={cancelGisImport}>Cancel</button>
      </div>
    </section>
  );
}
