import type { Table } from 'apache-arrow';
import { useEffect, useMemo, useState } from 'react';
import type { ResultColumn } from '../../../../shared/rpc';
import { shortWkt } from '../../../../shared/wkt';
import { useEngine } from '../../engine';
import { formatTime } from '../../ui';
import { cellText } from './cell-text';
import { fetchRows, onPage, pageOf } from './result-pages';
import { rowOrder, type RowSort } from './row-order';

const ROW_PX = 24;
const VISIBLE = 12;
/** Column widths by what they hold: the header and every row share them, so columns line up as the grid scrolls. */
const WIDTH_PX: Record<ResultColumn['kind'], number> = { bool: 70, int32: 100, int64: 130, uint64: 170, float: 120, time: 200, text: 180, geometry: 440 };
const MIN_PX = 48;
const MAX_PX = 960;
const clampWidth = (px: number) => Math.round(Math.min(MAX_PX, Math.max(MIN_PX, px)));
const ACTION_PX = 76;

/** A button at the start of every row, named for the row; its state read from the row's values (unavailable with the reason on hover). */
export interface RowAction {
  text: string;
  name(row: number): string;
  of(value: (column: number) => unknown, row: number): { run?: () => void; why: string };
}
/** A button beside the filter, for the rows it keeps (`rows` undefined: every row). */
export interface RowsAction {
  name(count: number, filtered: boolean): string;
  run(rows: readonly number[] | undefined): void;
}

/**
 * A result as a grid: the rows on screen are in the page (and in the accessibility tree as rows and
 * grid cells), fetched as Arrow pages when scrolled to; each column says its DuckDB type. A column's
 * header sorts the kept rows by it, the filter keeps the rows holding its text (both over all the kept
 * rows, fetched once), and a cell clicked is copied with Ctrl/⌘+C. A column's edge drags (or takes
 * ←/→) to resize it; double-clicked, it fits the rows on screen.
 */
export function ResultGrid({
  cellId,
  columns,
  rows,
  nulls,
  rowAction,
  rowsAction,
  onChoose,
}: {
  cellId: string;
  columns: ResultColumn[];
  rows: number;
  nulls?: number[];
  rowAction?: RowAction;
  rowsAction?: RowsAction;
  /** A row clicked, by its index in the result (not on screen: sorted or filtered rows keep theirs). */
  onChoose?(row: number): void;
}) {
  const { client } = useEngine();
  const [scroll, setScroll] = useState(0);
  const [, setVersion] = useState(0);
  const [sort, setSort] = useState<RowSort>();
  const [filter, setFilter] = useState('');
  const [all, setAll] = useState<Table>();
  const [selected, setSelected] = useState<{ row: number; column: number }>();
  const [resized, setResized] = useState<Record<number, number>>({});
  useEffect(() => onPage(() => setVersion((v) => v + 1)), []);
  const ordering = sort !== undefined || filter.trim() !== '';
  useEffect(() => {
    if (!ordering || all) return;
    let live = true;
    void fetchRows(client, cellId, rows).then((t) => live && setAll(t));
    return () => {
      live = false;
    };
  }, [ordering, cellId, rows]);
  const order = useMemo(() => (ordering && all ? rowOrder(all, columns, sort, filter) : undefined), [all, sort, filter, ordering]);
  const count = ordering ? (order?.length ?? 0) : rows;
  const first = Math.floor(scroll / ROW_PX);
  const widths = columns.map((c, i) => resized[i] ?? WIDTH_PX[c.kind]);
  const template = [...(rowAction ? [`${ACTION_PX}px`] : []), ...widths.map((w) => `${w}px`)].join(' ');
  const width = widths.reduce((a, w) => a + w, rowAction ? ACTION_PX : 0);
  const resize = (column: number, px: number) => setResized((r) => ({ ...r, [column]: clampWidth(px) }));
  const shown: number[] = [];
  for (let r = first; r < Math.min(count, first + VISIBLE + 2); r++) shown.push(r);
  /** The value at a shown row, from the ordered whole or from its page; undefined while it is on its way. */
  const valueAt = (r: number, i: number): { v: unknown } | undefined => {
    if (ordering) return order && all ? { v: all.getChildAt(i)?.get(order[r]!) } : undefined;
    const page = pageOf(client, cellId, r);
    return page ? { v: page.table.getChildAt(i)?.get(r - page.offset) } : undefined;
  };
  const cycle = (column: number) =>
    setSort((s) => (s?.column !== column ? { column, descending: false } : s.descending ? undefined : { column, descending: true }));
  return (
    <div className="result-grid">
      <input
        className="grid-filter"
        type="search"
        aria-label="Filter rows"
        placeholder="Filter rows"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {ordering && <span className="muted grid-count">{order ? `${count.toLocaleString()} of ${rows.toLocaleString()} rows` : 'Sorting…'}</span>}
      {rowsAction && (!ordering || order) && (
        <button className="grid-rows-action" onClick={() => rowsAction.run(filter.trim() && order ? [...order] : undefined)}>
          {rowsAction.name(count, filter.trim() !== '')}
        </button>
      )}
      <div role="grid" aria-label="Result" aria-rowcount={count + 1} aria-colcount={columns.length + (rowAction ? 1 : 0)}>
        <div className="grid-scroll" style={{ maxHeight: ROW_PX * (VISIBLE + 1) + 2 }} onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
          <div role="row" aria-rowindex={1} className="grid-row grid-head" style={{ gridTemplateColumns: template, width }}>
            {rowAction && <span role="columnheader" aria-label="Row actions" />}
            {columns.map((c, i) => (
              <span role="columnheader" key={i} title={c.type} aria-sort={sort?.column === i ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                <button className="grid-sort" onClick={() => cycle(i)}>
                  {c.name}
                  {sort?.column === i ? (sort.descending ? ' ▼' : ' ▲') : ''}
                </button>
                <small>
                  {c.type.toLowerCase()}
                  {nulls?.[i] ? ` · ${nulls[i]!.toLocaleString()} null${nulls[i] === 1 ? '' : 's'}` : ''}
                </small>
                <span
                  role="separator"
                  aria-orientation="vertical"
                  aria-label={`Resize ${c.name}`}
                  aria-valuemin={MIN_PX}
                  aria-valuemax={MAX_PX}
                  aria-valuenow={widths[i]}
                  tabIndex={0}
                  className="grid-resize"
                  onKeyDown={(e) => {
                    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
                      e.preventDefault();
                      resize(i, widths[i]! + (e.key === 'ArrowRight' ? 1 : -1) * (e.shiftKey ? 80 : 16));
                    }
                  }}
                  onPointerDown={(e) => {
                    e.preventDefault();
                    const [x0, w0] = [e.clientX, widths[i]!];
                    const target = e.currentTarget;
                    target.setPointerCapture(e.pointerId);
                    const move = (m: PointerEvent) => resize(i, w0 + m.clientX - x0);
                    const up = () => {
                      target.removeEventListener('pointermove', move);
                      target.removeEventListener('pointerup', up);
                    };
                    target.addEventListener('pointermove', move);
                    target.addEventListener('pointerup', up);
                  }}
                  onDoubleClick={() => {
                    // Fits the header and the rows on screen, at the grid's monospaced digits' width.
                    const longest = Math.max(
                      c.name.length,
                      ...shown.map((r) => {
                        const v = valueAt(r, i);
                        return v ? cellText(c.kind, v.v).length : 0;
                      }),
                    );
                    resize(i, longest * 7.5 + 24);
                  }}
                />
              </span>
            ))}
          </div>
          <div style={{ height: count * ROW_PX, width, position: 'relative' }}>
            {shown.map((r) => (
              <div role="row" aria-rowindex={r + 2} key={r} className="grid-row" style={{ top: r * ROW_PX, gridTemplateColumns: template, width }}>
                {rowAction && <RowButton action={rowAction} row={r} value={(i) => valueAt(r, i)} />}
                {columns.map((c, i) => {
                  const cell = valueAt(r, i);
                  const text = cell ? cellText(c.kind, cell.v) : '…';
                  const isSelected = selected?.row === r && selected.column === i;
                  return (
                    <span
                      role="gridcell"
                      key={i}
                      tabIndex={isSelected ? 0 : -1}
                      aria-selected={isSelected}
                      className={c.kind === 'text' || c.kind === 'time' || c.kind === 'geometry' ? undefined : 'num'}
                      // An instant stays ISO in the grid, its hover in local time as the other screens write it; a geometry's WKT is shortened, whole on hover.
                      title={cell?.v == null ? undefined : c.kind === 'time' ? formatTime(Number(cell.v)) : c.kind === 'geometry' ? text : undefined}
                      onClick={() => {
                        setSelected({ row: r, column: i });
                        const row = ordering ? order?.[r] : r;
                        if (row !== undefined) onChoose?.(row);
                      }}
                      onKeyDown={(e) => {
                        if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c') void navigator.clipboard.writeText(text);
                      }}
                    >
                      {c.kind === 'geometry' ? shortWkt(text) : text}
                    </span>
                  );
                })}
              </div>
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}

/** A row's action: unavailable (with why) until its row is here, or when its values do not allow it. */
function RowButton({ action, row, value }: { action: RowAction; row: number; value: (column: number) => { v: unknown } | undefined }) {
  const loaded = value(0) !== undefined;
  const state = loaded ? action.of((i) => value(i)?.v, row) : { why: 'loading the row…' };
  return (
    <span role="gridcell" className="grid-action">
      <button aria-label={action.name(row)} aria-disabled={!state.run} title={state.why} onClick={() => state.run?.()}>
        {action.text}
      </button>
    </span>
  );
}
