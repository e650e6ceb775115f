import type { RpcClient } from '../../../../shared/rpc';
import { setUi } from '../../app/ui-store';
import { currentCell, getNotebook, openNotebook, runCell } from './notebook-state';

/** The first query of a Parquet archive's folder: every part under it, its hive folders (date=…/hour=…) as columns, parts of other shapes side by side. */
export const archiveQuery = (folder: string): string =>
  `SELECT * FROM read_parquet('${folder.replace(/\/+$/, '').replace(/'/g, "''")}/**/*.parquet', hive_partitioning = true, union_by_name = true) LIMIT 100`;

/** The Notebooks panel, open on a new notebook whose first cell reads the archive in `folder`, run. */
export async function openArchiveNotebook(client: RpcClient, folder: string): Promise<boolean> {
  openNotebook('Parquet archive', archiveQuery(folder));
  setUi({ panel: 'notebooks' });
  const first = getNotebook().cells[0]!;
  currentCell.set(first.id);
  return runCell(client, first.id);
}
