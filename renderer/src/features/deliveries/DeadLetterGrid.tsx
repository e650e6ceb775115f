import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { QueueItemInfo } from '../../../../shared/rpc';
import { useRpc } from '../../engine';
import { CopyButton, formatTime, useHeld } from '../../ui';
import { COLUMNS, columnWidths, layoutOf, setColumnWidth, type Column, type DeadLetterSort } from './dead-letter-columns';
import { pagesOf, ROWS_PER_PAGE, type DeadLetterFilter } from './dead-letter-query';
import { useOnQueueChange } from './queue-figures';

export type { DeadLetterSort } from './dead-letter-columns';
type Sort = { by: DeadLetterSort; descending: boolean };

/** Two lines: the row's columns, then its last error across the row. */
const ROW_PX = 44;
/** Rows shown at the least; more when the window is taller (the grid reaches down to the status bar). */
const MIN_VISIBLE = 6;
/** Rows fetched ahead of the screen, so a fast scroll finds them there (half a page left blank frames at each page's start). */
const AHEAD = ROWS_PER_PAGE;

/** A time short enough for a grid cell: the time of day today, else the day and time; its title names the zone. */
function shortTime(ms: number): string {
  return new Date(ms).toDateString() === new Date().toDateString()
    ? formatTime(ms, { day: false, zone: false })
    : formatTime(ms, { seconds: false, zone: false });
}

interface GridProps {
  /** The rows the grid shows, as held (DeadLetters holds them still under the pointer). */
  total: number;
  filter: DeadLetterFilter;
  sort: Sort;
  onSort: Dispatch<SetStateAction<Sort>>;
  selected: ReadonlySet<string>;
  onSelect: Dispatch<SetStateAction<Set<string>>>;
  open?: string;
  onOpen(id: string): void;
  /** The first page, already fetched with the count. */
  first?: { items: QueueItemInfo[] };
  /** Whether the rows hold still, and what changes when they are shown anew (a filter, an order, a "show"). */
  holding: boolean;
  generation: string;
  /** Fence names by id, for the fence cell's full title. */
  names: ReadonlyMap<string, string>;
}

/**
 * The dead letters as a grid of rows in the accessibility tree: only the rows on screen are in the page,
 * fetched a page of 100 at a time (and the next page ahead) by `deliveries.deadLetters` offsets; while
 * held, the pages it has stay as they were. The tick column stays put when it scrolls sideways; columns are
 * resized by their header's edge; each id shows whole in its cell's title and copies with its button.
 */
export function DeadLetterGrid({ total, filter, sort, onSort, selected, onSelect, open, onOpen, first, names, holding, generation }: GridProps) {
  const [scroll, setScroll] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const widths = columnWidths.use().widths;
  const fitted = useFittedWidths(first?.items);
  const layout = useMemo(() => layoutOf({ ...fitted, ...widths }), [widths, fitted]);
  const visible = useRowsThatFit(scroller);
  useEffect(() => {
    setScroll(0);
    scroller.current?.scrollTo({ top: 0 });
  }, [JSON.stringify(filter), sort.by, sort.descending]);
  const firstRow = Math.floor(scroll / ROW_PX);
  const lastRow = Math.min(total - 1, firstRow + visible + 2);
  const toggle = (id: string) =>
    onSelect((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const row = useMemo(() => ({ gridTemplateColumns: layout.template, minWidth: layout.width, width: '100%' }), [layout]);
  return (
    <div role="grid" aria-label="Dead letters" aria-rowcount={total + 1} aria-colcount={COLUMNS.length} className="dlq-grid">
      <div className="grid-scroll" ref={scroller} style={{ maxHeight: ROW_PX * (visible + 1) + 2 }} onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
        <div role="row" aria-rowindex={1} className="grid-row grid-head" style={row}>
          {COLUMNS.map((c) => (
            <span
              role="columnheader"
              key={c.key}
              // The last error's header is for screen readers: its cells read on each row's second line.
              className={c.key === 'error' ? 'dlq-error-head' : undefined}
              aria-sort={c.sort && sort.by === c.sort ? (sort.descending ? 'descending' : 'ascending') : c.sort ? 'none' : undefined}
            >
              {c.key === 'tick' ? (
                <input
                  type="checkbox"
                  aria-label="Select the rows shown"
                  checked={selected.size > 0}
                  onChange={(e) => {
                    const shown = scroller.current?.querySelectorAll<HTMLElement>('[data-dlq-id]') ?? [];
                    onSelect(e.target.checked ? new Set([...shown].map((r) => r.dataset.dlqId!)) : new Set());
                  }}
                />
              ) : c.sort ? (
                <button
                  className="grid-sort"
                  onClick={() => onSort((s) => ({ by: c.sort!, descending: s.by === c.sort ? !s.descending : c.sort !== 'target' && c.sort !== 'fence' }))}
                >
                  {c.name}
                  {sort.by === c.sort ? (sort.descending ? ' ▼' : ' ▲') : ''}
                </button>
              ) : (
                c.name
              )}
              {c.key !== 'tick' && c.key !== 'error' && <ColumnEdge column={c} px={layout.px(c.key)} />}
            </span>
          ))}
        </div>
        <div style={{ height: total * ROW_PX, minWidth: layout.width, position: 'relative' }}>
          {total > 0 &&
            pagesOf(firstRow, Math.min(total - 1, lastRow + AHEAD)).map((page) => (
              <Page
                key={page}
                page={page}
                filter={filter}
                sort={sort}
                rows={[firstRow, lastRow]}
                selected={selected}
                open={open}
                onToggle={toggle}
                onOpen={onOpen}
                firstPage={page === 0 ? first : undefined}
                holding={holding}
                generation={generation}
                row={row}
                names={names}
              />
            ))}
        </div>
      </div>
    </div>
  );
}

/** How many rows fit between the grid's top and the status bar (measured after each render: what is above it comes and goes). */
function useRowsThatFit(scroller: React.RefObject<HTMLDivElement | null>): number {
  const [rows, setRows] = useState(14);
  const [, resized] = useState(0);
  useLayoutEffect(() => {
    const top = scroller.current?.getBoundingClientRect().top;
    const bottom = document.querySelector('.status-bar')?.getBoundingClientRect().top ?? window.innerHeight;
    if (top === undefined) return;
    const fit = Math.max(MIN_VISIBLE, Math.floor((bottom - top - 16) / ROW_PX) - 1);
    if (fit !== rows) setRows(fit);
  });
  useEffect(() => {
    const onResize = () => resized((n) => n + 1);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  return rows;
}

/** Widths that show the ids of the first page whole (up to a limit), for the columns the analyst has not sized. */
function useFittedWidths(items: readonly QueueItemInfo[] | undefined): Partial<Record<Column['key'], number>> {
  return useMemo(() => {
    if (!items?.length) return {};
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) return {};
    const fit = (font: string, texts: string[], extra: number, base: number) => {
      ctx.font = font;
      return Math.min(360, Math.max(base, Math.ceil(Math.max(...texts.map((t) => ctx.measureText(t).width))) + extra));
    };
    const mono = '11px ui-monospace, monospace';
    // The cell's padding, and the copy button beside an id.
    return {
      fence: fit(
        mono,
        items.map((i) => i.fenceId),
        40,
        90,
      ),
      device: fit(
        mono,
        items.map((i) => i.event.device_id),
        40,
        90,
      ),
      target: fit(
        '12px system-ui, sans-serif',
        items.map((i) => i.targetId),
        16,
        70,
      ),
    };
  }, [items]);
}

/** A column header's right edge: dragged, or focused and moved with ← →, to resize the column. */
function ColumnEdge({ column, px }: { column: Column; px: number }) {
  const drag = useRef<{ x: number; px: number } | undefined>(undefined);
  return (
    <span
      className="col-edge"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Width of the ${column.name} column`}
      aria-valuenow={px}
      tabIndex={0}
      onClick={(e) => e.stopPropagation()}
      onPointerDown={(e) => {
        e.stopPropagation();
        e.currentTarget.setPointerCapture(e.pointerId);
        drag.current = { x: e.clientX, px };
      }}
      onPointerMove={(e) => drag.current && setColumnWidth(column.key, drag.current.px + e.clientX - drag.current.x)}
      onPointerUp={() => (drag.current = undefined)}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 64 : 16;
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        e.preventDefault();
        e.stopPropagation();
        setColumnWidth(column.key, px + (e.key === 'ArrowRight' ? step : -step));
      }}
    />
  );
}

/** The rows of one page that are on screen; the first page comes with the count, the others on their own. */
function Page(props: {
  page: number;
  filter: DeadLetterFilter;
  sort: Sort;
  rows: [number, number];
  selected: ReadonlySet<string>;
  open?: string;
  onToggle(id: string): void;
  onOpen(id: string): void;
  firstPage?: { items: QueueItemInfo[] };
  holding: boolean;
  generation: string;
  row: React.CSSProperties;
  names: ReadonlyMap<string, string>;
}) {
  const own = !props.firstPage;
  const { data, refresh } = useRpc(
    'deliveries.deadLetters',
    { ...props.filter, sort: props.sort.by, descending: props.sort.descending, limit: ROWS_PER_PAGE, offset: props.page * ROWS_PER_PAGE },
    { enabled: own },
  );
  useOnQueueChange(() => own && !props.holding && refresh());
  const items = useHeld(props.firstPage?.items ?? data?.items ?? [], props.holding, props.generation);
  const base = props.page * ROWS_PER_PAGE;
  return (
    <>
      {items.map((item, i) => {
        const r = base + i;
        if (r < props.rows[0] || r > props.rows[1]) return null;
        return (
          <Row
            key={item.id}
            item={item}
            index={r}
            selected={props.selected.has(item.id)}
            open={props.open === item.id}
            onToggle={props.onToggle}
            onOpen={props.onOpen}
            style={props.row}
            fenceName={props.names.get(item.fenceId)}
          />
        );
      })}
    </>
  );
}

const Row = memo(
  function Row({
    item,
    index,
    selected,
    open,
    onToggle,
    onOpen,
    style,
    fenceName,
  }: {
    item: QueueItemInfo;
    index: number;
    selected: boolean;
    open: boolean;
    onToggle(id: string): void;
    onOpen(id: string): void;
    style: React.CSSProperties;
    fenceName?: string;
  }) {
    return (
      <div
        role="row"
        aria-rowindex={index + 2}
        aria-selected={selected}
        data-dlq-id={item.id}
        className={`grid-row dlq-row${open ? ' open' : ''}`}
        style={{ ...style, top: index * ROW_PX, height: ROW_PX }}
        onClick={() => onOpen(item.id)}
      >
        <span role="gridcell" onClick={(e) => e.stopPropagation()}>
          <input type="checkbox" aria-label={`Select ${item.id}`} checked={selected} onChange={() => onToggle(item.id)} />
        </span>
        <span role="gridcell" title={formatTime(item.updatedAt)}>
          {/* Opened from its first column: a button far to the right would scroll the grid sideways as it takes focus. */}
          <button className="link" onClick={() => onOpen(item.id)} aria-label={`Open ${item.id}`}>
            {shortTime(item.updatedAt)}
          </button>
        </span>
        <span role="gridcell" title={item.targetId}>
          {item.targetId}
        </span>
        <span role="gridcell" className="id-cell" title={fenceName && fenceName !== item.fenceId ? `${fenceName} (${item.fenceId})` : item.fenceId}>
          <span className="id-text">{item.fenceId}</span>
          <CopyButton value={item.fenceId} what={`fence id ${item.fenceId}`} />
        </span>
        <span role="gridcell" className="id-cell" title={item.event.device_id}>
          <span className="id-text">{item.event.device_id}</span>
          <CopyButton value={item.event.device_id} what={`device id ${item.event.device_id}`} />
        </span>
        <span role="gridcell">
          {item.event.event_type}
          {item.replayed ? ' ↻' : ''}
        </span>
        <span role="gridcell" className="num" title={`attempt ${item.attempts} of ${item.maxAttempts}`}>
          {item.attempts}/{item.maxAttempts}
        </span>
        <span role="gridcell" className="dlq-error" title={item.lastError ?? undefined}>
          {item.lastError ?? '—'}
        </span>
      </div>
    );
  },
  // The callbacks change identity at every render of the grid; what a row shows does not.
  (a, b) => a.item === b.item && a.index === b.index && a.selected === b.selected && a.open === b.open && a.style === b.style && a.fenceName === b.fenceName,
);
