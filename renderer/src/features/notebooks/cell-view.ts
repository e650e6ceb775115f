import type { Cell } from './notebook-file';
import { editCell } from './notebook-state';
import type { ChartSpec } from './ResultChart';
import type { ResultLayerView } from './result-style';

/** How a cell's result is shown, saved with the cell (`-- view:` in the file). */
export interface CellView {
  show?: 'grid' | 'chart';
  chart?: ChartSpec;
  map?: boolean;
  colour?: string;
  /** Points drawn as a density of H3 cells. */
  density?: boolean;
  /** Its layer on the map: shown, opacity, colours, and its key in the map's order. */
  layer?: ResultLayerView;
}

export const viewOf = (cell: Cell): CellView => (cell.view ?? {}) as CellView;

export const setCellView = (cell: Cell, patch: Partial<CellView>) => editCell(cell.id, { view: { ...viewOf(cell), ...patch } });
