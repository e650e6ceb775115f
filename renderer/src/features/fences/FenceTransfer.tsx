import { useUi } from '../../app/ui-store';
import { useEngine } from '../../engine';
import { MenuButton } from '../../ui';
import { exportFenceFile, gisItems } from './fence-files';
import { clearImportReport, exportFences, useImportReport } from './fence-import';
import { pickFenceFiles } from './gis-import';
import { GisImportPreview } from './GisImportPreview';

/** Import fences (a file picked here or dropped on the map: GeoJSON at once, GIS files after a preview) and export all fences, or the selected one. */
export function FenceTransfer() {
  const { client } = useEngine();
  const report = useImportReport();
  const selection = useUi((s) => s.selection);
  const selected = selection?.kind === 'fence' ? selection.id : undefined;
  return (
    <>
      <div className="toolbar" role="toolbar" aria-label="Import and export">
        <button
          title="GeoJSON, GeoPackage, Shapefile (its files or a .zip), KML/KMZ, FlatGeobuf or GeoParquet — or drop them on the map (Shift+I)"
          onClick={() => pickFenceFiles(client)}
        >
          Import file…
        </button>
        <MenuButton
          label="Export fences"
          menuLabel="Export every fence as"
          items={[{ label: 'GeoJSON', run: () => exportFences(client) }, ...gisItems((f) => exportFenceFile(client, f))]}
        />
        {selected && (
          <MenuButton
            label="Export selected"
            menuLabel="Export the selected fence as"
            items={[{ label: 'GeoJSON', run: () => exportFences(client, [selected]) }, ...gisItems((f) => exportFenceFile(client, f, [selected]))]}
          />
        )}
      </div>
      <GisImportPreview />
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
                  Feature {e.index + 1}
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
