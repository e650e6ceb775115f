import { useRef } from 'react';
import { useUi } from '../../app/ui-store';
import { useEngine } from '../../engine';
import { clearImportReport, exportFences, importFenceFile, useImportReport } from './fence-import';

/** Import GeoJSON (a file picked here or dropped on the map) and export all fences, or the selected one. */
export function FenceTransfer() {
  const { client } = useEngine();
  const input = useRef<HTMLInputElement>(null);
  const report = useImportReport();
  const selection = useUi((s) => s.selection);
  const selected = selection?.kind === 'fence' ? selection.id : undefined;
  return (
    <>
      <div className="toolbar">
        <button title="Import GeoJSON (or drop a file on the map)" onClick={() => input.current?.click()}>
          Import GeoJSON
        </button>
        <button onClick={() => void exportFences(client)}>Export GeoJSON</button>
        {selected && <button onClick={() => void exportFences(client, [selected])}>Export selected</button>}
        <input
          ref={input}
          type="file"
          accept=".geojson,.json,application/geo+json,application/json"
          aria-label="GeoJSON file"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void importFenceFile(client, f);
            e.target.value = '';
          }}
        />
      </div>
      {report && (
        <div className="import-report" role="status" aria-label="Import result">
          <p>
            {report.failed ?? `${report.file}: ${report.saved.length} imported${report.errors.length ? `, ${report.errors.length} refused` : ''}.`}{' '}
            <button onClick={clearImportReport}>Dismiss</button>
          </p>
          {report.errors.length > 0 && (
            <ul>
              {report.errors.map((e) => (
                <li key={e.index}>
                  Feature {e.index}
                  {e.id ? ` (${e.id})` : ''}: {e.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  );
}
