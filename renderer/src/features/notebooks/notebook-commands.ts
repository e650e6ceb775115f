import type { Command } from '../../app/commands';
import { createStore } from '../../app/store';
import { getUi } from '../../app/ui-store';
import { cancelJob, jobStore } from '../../engine';
import { saveFile } from '../../ui';
import { setCellView, viewOf } from './cell-view';
import { keptRunOf } from './kept-results';
import { serializeNotebook } from './notebook-file';
import {
  addCell,
  cellJob,
  cellLabel,
  getCurrentCell,
  getNotebook,
  markSaved,
  newNotebook,
  openNotebook,
  removeCell,
  runCell,
  runCells,
  type RunSummary,
} from './notebook-state';
import { defaultChart } from './ResultChart';
import { copyMarkdown, EXPORT_FORMATS, exportResult, type ExportFormat } from './result-export';
import { mapSpecOf } from './result-map';
import { chosenRow, fenceFromResult, fenceSourceOf } from './result-fence';

/** Whether the panel's "Open file" form is shown (its button and the command open it). */
export const openFileForm = createStore(false);

/** Saves the notebook as a `.sql` file (the browser's download; the desktop's save dialog does the same). */
export function saveNotebook(): void {
  const { name, cells } = getNotebook();
  saveFile(serializeNotebook(cells), `${name || 'notebook'}.sql`, 'application/sql');
  markSaved(name);
}

export function pickNotebook(): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.sql,text/plain,application/sql';
  input.onchange = async () => {
    const file = input.files?.[0];
    if (file) openNotebook(file.name, await file.text());
  };
  input.click();
}

/** The notebook's commands apply while its panel is open. */
const panelOpen = () => getUi().panel === 'notebooks';
const sqlCell = () => (panelOpen() ? getCurrentCell() : undefined)?.kind === 'sql';
const running = () => sqlCell() && jobStore<'notebooks.run'>(cellJob(getCurrentCell()!.id)).get().status === 'running';
/** The current cell's result: this session's run, or the one kept from before a reload. */
function resultNow(): RunSummary | undefined {
  const cell = panelOpen() ? getCurrentCell() : undefined;
  if (!cell) return undefined;
  const job = jobStore<'notebooks.run'>(cellJob(cell.id)).get();
  return job.status === 'done' ? job.result : job.status === 'idle' ? keptRunOf(cell.id)?.summary : undefined;
}
const hasResult = () => resultNow() !== undefined;

const PANEL = 'the Notebooks panel is open';
const CELL = 'a SQL cell is chosen (the last one clicked or added)';
const RESULT = 'the chosen cell has a result';

/** Every notebook action, under the name its button has; the cell ones act on the cell last clicked or added. */
export function notebooksCommands(): Command[] {
  const onCell = (run: (id: string) => void) => () => {
    const cell = getCurrentCell();
    if (cell) run(cell.id);
  };
  return [
    { id: 'notebook.new', title: 'New notebook', group: 'Notebooks', enabled: panelOpen, when: PANEL, run: newNotebook },
    { id: 'notebook.open', title: 'Open notebook: a .sql file', group: 'Notebooks', enabled: panelOpen, when: PANEL, run: pickNotebook },
    { id: 'notebook.save', title: 'Save notebook as a .sql file', group: 'Notebooks', enabled: panelOpen, when: PANEL, run: saveNotebook },
    {
      id: 'notebook.runAll',
      title: 'Run all cells',
      group: 'Notebooks',
      shortcut: 'Mod+Shift+Enter',
      enabled: panelOpen,
      when: PANEL,
      run: ({ client }) => void runCells(client),
    },
    {
      id: 'notebook.runCell',
      title: 'Run cell',
      group: 'Notebooks',
      shortcut: 'Mod+Enter',
      enabled: sqlCell,
      when: CELL,
      run: ({ client }) => onCell((id) => void runCell(client, id))(),
    },
    {
      id: 'notebook.runFrom',
      title: 'Run from here: this cell and those below',
      group: 'Notebooks',
      enabled: sqlCell,
      when: CELL,
      run: ({ client }) => onCell((id) => void runCells(client, id))(),
    },
    {
      id: 'notebook.cancel',
      title: 'Cancel query',
      group: 'Notebooks',
      enabled: running,
      when: 'the chosen cell runs',
      run: ({ client }) => onCell((id) => void cancelJob(client, jobStore<'notebooks.run'>(cellJob(id))))(),
    },
    { id: 'notebook.addSql', title: 'Add SQL cell', group: 'Notebooks', enabled: panelOpen, when: PANEL, run: () => void addCell('sql') },
    { id: 'notebook.addNotes', title: 'Add notes', group: 'Notebooks', enabled: panelOpen, when: PANEL, run: () => void addCell('markdown') },
    {
      id: 'notebook.deleteCell',
      title: 'Delete cell',
      group: 'Notebooks',
      enabled: () => panelOpen() && getCurrentCell() !== undefined,
      when: 'a cell is chosen',
      run: onCell(removeCell),
    },
    {
      id: 'notebook.openFile',
      title: 'Open file as a view: Parquet, CSV, NDJSON, GeoJSON, or a GeoPackage, Shapefile, KML/KMZ, FlatGeobuf',
      group: 'Notebooks',
      enabled: panelOpen,
      when: PANEL,
      run: () => openFileForm.set(true),
    },
    {
      id: 'notebook.table',
      title: 'Table of the result',
      group: 'Notebooks',
      enabled: hasResult,
      when: RESULT,
      run: () => setCellView(getCurrentCell()!, { show: 'grid' }),
    },
    {
      id: 'notebook.chart',
      title: 'Chart of the result',
      group: 'Notebooks',
      enabled: () => hasResult() && defaultChart(resultNow()!.columns) !== undefined,
      when: RESULT,
      run: () => {
        const cell = getCurrentCell()!;
        setCellView(cell, { show: 'chart', chart: viewOf(cell).chart ?? defaultChart(resultNow()!.columns) });
      },
    },
    {
      id: 'notebook.map',
      title: 'Show on map, or take off it',
      group: 'Notebooks',
      enabled: () => hasResult() && mapSpecOf(resultNow()!.columns) !== undefined,
      when: 'the chosen cell has a result with places',
      run: () => setCellView(getCurrentCell()!, { map: !viewOf(getCurrentCell()!).map }),
    },
    ...(Object.keys(EXPORT_FORMATS) as ExportFormat[]).map((format): Command => ({
      id: `notebook.export.${format}`,
      title: `Export result as ${EXPORT_FORMATS[format].label} (the whole result)`,
      group: 'Notebooks',
      enabled: () => hasResult() && (!EXPORT_FORMATS[format].spatial || mapSpecOf(resultNow()!.columns) !== undefined),
      when: RESULT,
      run: ({ client }) => void exportResult(client, getCurrentCell()!, format).catch(() => undefined),
    })),
    {
      id: 'notebook.makeFence',
      title: 'Make fence from result row (or from an H3 result’s cells)',
      group: 'Notebooks',
      enabled: () => {
        const source = hasResult() ? fenceSourceOf(resultNow()!.columns) : undefined;
        return source?.kind === 'cells' || (source?.kind === 'shape' && chosenRow.get()?.cellId === getCurrentCell()?.id);
      },
      when: 'the chosen cell’s result has a polygon in the row last clicked, or H3 cells',
      run: ({ client }) => {
        const cell = getCurrentCell()!;
        const summary = resultNow()!;
        const row = chosenRow.get();
        const result = { cellId: cell.id, label: cellLabel(cell.id), columns: summary.columns, rows: summary.rows };
        void fenceFromResult(client, result, row?.cellId === cell.id && fenceSourceOf(summary.columns)?.kind === 'shape' ? { row: row.row } : {});
      },
    },
    {
      id: 'notebook.copyMarkdown',
      title: 'Copy result as a Markdown table',
      group: 'Notebooks',
      enabled: hasResult,
      when: RESULT,
      run: ({ client }) => void copyMarkdown(client, getCurrentCell()!.id, resultNow()!).catch(() => undefined),
    },
  ];
}
