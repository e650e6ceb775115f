import { useState } from 'react';
import { useEngine } from '../../engine';
import type { Cell } from './notebook-file';
import { setCellView, viewOf, type CellView } from './cell-view';
import type { RunSummary } from './notebook-state';
import { defaultChart, ResultChart } from './ResultChart';
import { ResultGrid, type RowAction, type RowsAction } from './ResultGrid';
import { chosenRow, fenceFromResult, fenceRefusal, fenceSourceOf, makeFenceOf, shapeOfRow } from './result-fence';
import { ResultMap } from './ResultMap';
import { copyMarkdown, EXPORT_FORMATS, exportResult, type ExportFormat } from './result-export';
import { mapSpecOf, valueColumns } from './result-map';

/**
 * A result as a grid or a chart, and (toggled per cell) on the map; exports of the whole result. `partial`:
 * only its first rows are at hand (kept over a reload), which the map would draw as if they were all.
 */
export function ResultViews({ cell, label, summary, partial }: { cell: Cell; label: string; summary: RunSummary; partial?: boolean }) {
  const { client } = useEngine();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string>();
  const view = viewOf(cell);
  const setView = (patch: Partial<CellView>) => setCellView(cell, patch);
  const placeable = mapSpecOf(summary.columns);
  const spec = partial ? undefined : placeable;
  const values = spec ? valueColumns(summary.columns, spec) : [];
  const colourName = view.colour ?? (values[0] !== undefined ? summary.columns[values[0]]!.name : undefined);
  const colour = summary.columns.findIndex((c) => c.name === colourName);
  const chart = view.chart ?? defaultChart(summary.columns);
  const show = view.show === 'chart' && chart ? 'chart' : 'grid';
  const source = partial ? undefined : fenceSourceOf(summary.columns);
  // A row's polygon makes a fence; an H3 result's cells (those the filter keeps) make one outline.
  const rowAction: RowAction | undefined =
    source?.kind === 'shape'
      ? {
          text: '⬡ Fence',
          name: (row) => `Make fence from row ${row + 1}`,
          of: (value, row) => {
            const shape = shapeOfRow(source, value);
            if ('reason' in shape) return { why: `No fence: ${shape.reason}` };
            return {
              why: `A new fence of this row’s polygon${shape.note ? ` (${shape.note})` : ''}: backtest it, then save`,
              run: () => makeFenceOf(shape, `${label}, row ${row + 1}`, source.name !== undefined ? value(source.name) : undefined),
            };
          },
        }
      : undefined;
  const rowsAction: RowsAction | undefined =
    source?.kind === 'cells'
      ? {
          name: (count, filtered) =>
            filtered ? `Make fence from the ${count.toLocaleString()} rows shown` : `Make fence from all ${count.toLocaleString()} cells`,
          run: (rows) => void fenceFromResult(client, { cellId: cell.id, label, columns: summary.columns, rows: summary.rows }, { rows }),
        }
      : undefined;
  const refusal = fenceRefusal.use();
  const chosen = chosenRow.use();
  const chosenHere = source?.kind === 'shape' && chosen?.cellId === cell.id ? chosen.row : undefined;
  return (
    <div className="nb-result">
      <div className="nb-actions" role="toolbar" aria-label={`Views of ${label}`}>
        <button aria-pressed={show === 'grid'} onClick={() => setView({ show: 'grid' })}>
          Table
        </button>
        <button
          aria-pressed={show === 'chart'}
          disabled={!chart}
          title={chart ? undefined : 'No column to chart'}
          onClick={() => setView({ show: 'chart', chart })}
        >
          Chart
        </button>
        <button
          aria-pressed={Boolean(view.map && spec)}
          disabled={!spec}
          title={
            spec
              ? undefined
              : placeable
                ? `Only the first ${summary.rows.toLocaleString()} rows were kept: Run again to draw the whole result`
                : 'No h3/cell, lat and lon, or geometry column to place it'
          }
          // The layer's key is the cell's id when first shown, kept in the file from then on.
          onClick={() => setView({ map: !view.map, layer: { ...view.layer, key: view.layer?.key ?? cell.id } })}
        >
          Show on map
        </button>
        {view.map && spec?.kind === 'points' && (
          <select aria-label="Draw points as" value={view.density ? 'density' : 'points'} onChange={(e) => setView({ density: e.target.value === 'density' })}>
            <option value="points">Points</option>
            <option value="density">Density (H3)</option>
          </select>
        )}
        {view.map && spec && values.length > 0 && !(spec.kind === 'points' && view.density) && (
          <select aria-label="Colour by" value={colourName} onChange={(e) => setView({ colour: e.target.value })}>
            {values.map((i) => (
              <option key={i}>{summary.columns[i]!.name}</option>
            ))}
          </select>
        )}
        {chosenHere !== undefined && (
          <button
            title="The row last clicked, in the grid or as a shape on the map"
            onClick={() => void fenceFromResult(client, { cellId: cell.id, label, columns: summary.columns, rows: summary.rows }, { row: chosenHere })}
          >
            Make fence from chosen row ({chosenHere + 1})
          </button>
        )}
        <span className="nb-menu">
          <button aria-expanded={exporting} aria-haspopup="menu" onClick={() => setExporting(!exporting)}>
            Export result
          </button>
          {exporting && (
            <span role="menu" aria-label="Export result as" className="nb-menu-items">
              {(
                [
                  // The GIS files only where something places the result (the map's rule).
                  ...(Object.keys(EXPORT_FORMATS) as ExportFormat[])
                    .filter((f) => spec || !EXPORT_FORMATS[f].spatial)
                    .map((f) => [`${EXPORT_FORMATS[f].label} (whole result)`, () => exportResult(client, cell, f)] as const),
                  ['Copy as Markdown table', () => copyMarkdown(client, cell.id, summary)] as const,
                ] as const
              ).map(([name, run]) => (
                <button
                  key={name}
                  role="menuitem"
                  onClick={() => {
                    setExporting(false);
                    setExportError(undefined);
                    run().catch((err: Error) => setExportError(`${name}: ${err.message}`));
                  }}
                >
                  {name}
                </button>
              ))}
            </span>
          )}
        </span>
      </div>
      {exportError && (
        <p className="nb-error" role="alert">
          Export failed — {exportError}
        </p>
      )}
      {refusal?.cellId === cell.id && (
        <p className="nb-error" role="alert">
          No fence from this result — {refusal.reason}
        </p>
      )}
      {show === 'chart' && chart ? (
        <ResultChart cellId={cell.id} columns={summary.columns} rows={summary.rows} spec={chart} onSpec={(c) => setView({ chart: c })} />
      ) : (
        <ResultGrid
          cellId={cell.id}
          columns={summary.columns}
          rows={summary.rows}
          nulls={summary.nulls}
          rowAction={rowAction}
          rowsAction={rowsAction}
          onChoose={(row) => chosenRow.set({ cellId: cell.id, row })}
        />
      )}
      {view.map && spec && (
        <ResultMap
          cellId={cell.id}
          label={label}
          columns={summary.columns}
          rows={summary.rows}
          spec={spec}
          value={colour >= 0 ? colour : undefined}
          density={view.density}
          layer={view.layer}
          onLayer={(patch) => setView({ layer: { ...view.layer, ...patch } })}
          onRemove={() => setView({ map: false })}
        />
      )}
    </div>
  );
}
