import { EXPORT_FORMATS, type ExportFormat } from '../../../../shared/export-formats';
import type { RpcClient } from '../../../../shared/rpc';
import { saveFile } from '../../ui';
import type { Cell } from './notebook-file';
import { getNotebook, type RunSummary } from './notebook-state';
import { fetchRows } from './result-pages';
import { cellText } from './cell-text';

export { EXPORT_FORMATS, type ExportFormat };

/** The whole result of a cell (run again by the engine, not only the rows kept to show) as a file of `format`. */
export async function exportResult(client: RpcClient, cell: Cell, format: ExportFormat): Promise<void> {
  const bytes = await client.call('notebooks.export', { sql: cell.source, format });
  const index = getNotebook().cells.findIndex((c) => c.id === cell.id) + 1;
  const { mime, ending } = EXPORT_FORMATS[format];
  saveFile(bytes, `${getNotebook().name || 'notebook'}-cell-${index}.${ending}`, mime);
}

/** The kept rows as a Markdown table, for notes and tickets. */
export function markdownTable(columns: RunSummary['columns'], rows: unknown[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `| ${columns.map((c) => esc(c.name)).join(' | ')} |`,
    `| ${columns.map((c) => (c.kind === 'text' || c.kind === 'time' || c.kind === 'geometry' ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((v, i) => esc(cellText(columns[i]!.kind, v))).join(' | ')} |`),
  ].join('\n');
}

export async function copyMarkdown(client: RpcClient, cellId: string, summary: RunSummary): Promise<string> {
  const table = await fetchRows(client, cellId, summary.rows);
  const rows: unknown[][] = [];
  for (let r = 0; r < table.numRows; r++) rows.push(summary.columns.map((_, i) => table.getChildAt(i)?.get(r)));
  const text = markdownTable(summary.columns, rows);
  await navigator.clipboard.writeText(text);
  return text;
}
