import { memo, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { QueueItemInfo } from '../../../../shared/rpc';
import { useRpc } from '../../engine';
import { pagesOf, ROWS_PER_PAGE, type DeadLetterFilter } from './dead-letter-query';

export type DeadLetterSort = 'failed' | 'created' | 'attempts' | 'target' | 'fence';
type Sort = { by: DeadLetterSort; descending: boolean };

const ROW_PX = 28;
const VISIBLE = 14;
/** Rows fetched ahead of the screen, so a fast scroll finds them there (half a page left blank frames at each page's start). */
const AHEAD = ROWS_PER_PAGE;
const COLUMNS: { name: string; sort?: DeadLetterSort; px: number }[] = [
  { name: '', px: 30 },
  { name: 'Failed at', sort: 'failed', px: 92 },
  { name: 'Target', sort: 'target', px: 100 },
  { name: 'Fence', sort: 'fence', px: 90 },
  { name: 'Device', px: 90 },
  { name: 'Event', px: 56 },
  { name: 'Tries', sort: 'attempts', px: 48 },
  { name: 'Last error', px: 220 },
];
// The last column takes what the panel has left.
const TEMPLATE = COLUMNS.map((c, i) => (i === COLUMNS.length - 1 ? `minmax(${c.px}px, 1fr)` : `${c.px}px`)).join(' ');
const WIDTH = COLUMNS.reduce((w, c) => w + c.px, 0);
const REFRESH = { refreshOn: ['deliveries.changed'] as const };

/** A time short enough for a grid cell: the time of day today, else the date and time. */
function shortTime(ms: number): string {
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString()
    ? d.toLocaleTimeString()
    : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

interface GridProps {
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
}

/**
 * The dead letters as a grid of rows in the accessibility tree: only the rows on screen are in the page,
 * fetched a page of 100 at a time (and the next page ahead) by `deliveries.deadLetters` offsets. Scrolling
 * re-renders this grid alone; a row re-renders only when its item, tick or opening changes.
 */
export function DeadLetterGrid({ total, filter, sort, onSort, selected, onSelect, open, onOpen, first }: GridProps) {
  const [scroll, setScroll] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    setScroll(0);
    scroller.current?.scrollTo({ top: 0 });
  }, [JSON.stringify(filter), sort.by, sort.descending]);
  const firstRow = Math.floor(scroll / ROW_PX);
  const lastRow = Math.min(total - 1, firstRow + VISIBLE + 2);
  const toggle = (id: string) =>
    onSelect((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <div role="grid" aria-label="Dead letters" aria-rowcount={total + 1} aria-colcount={COLUMNS.length} className="dlq-grid">
      <div className="grid-scroll" ref={scroller} style={{ maxHeight: ROW_PX * (VISIBLE + 1) + 2 }} onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
        <div role="row" aria-rowindex={1} className="grid-row grid-head" style={{ gridTemplateColumns: TEMPLATE, minWidth: WIDTH, width: '100%' }}>
          {COLUMNS.map((c, i) => (
            <span
              role="columnheader"
              key={i}
              aria-sort={c.sort && sort.by === c.sort ? (sort.descending ? 'descending' : 'ascending') : c.sort ? 'none' : undefined}
            >
              {i === 0 ? (
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
            </span>
          ))}
        </div>
        <div style={{ height: total * ROW_PX, minWidth: WIDTH, position: 'relative' }}>
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
              />
            ))}
        </div>
      </div>
    </div>
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
}) {
  const { data } = useRpc(
    'deliveries.deadLetters',
    { ...props.filter, sort: props.sort.by, descending: props.sort.descending, limit: ROWS_PER_PAGE, offset: props.page * ROWS_PER_PAGE },
    { ...REFRESH, enabled: !props.firstPage },
  );
  const items = props.firstPage?.items ?? data?.items ?? [];
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
  }: {
    item: QueueItemInfo;
    index: number;
    selected: boolean;
    open: boolean;
    onToggle(id: string): void;
    onOpen(id: string): void;
  }) {
    return (
      <div
        role="row"
        aria-rowindex={index + 2}
        aria-selected={selected}
        data-dlq-id={item.id}
        className={`grid-row dlq-row${open ? ' open' : ''}`}
        style={{ top: index * ROW_PX, gridTemplateColumns: TEMPLATE, minWidth: WIDTH, width: '100%', height: ROW_PX }}
        onClick={() => onOpen(item.id)}
      >
        <span role="gridcell" onClick={(e) => e.stopPropagation()}>
          <input type="checkbox" aria-label={`Select ${item.id}`} checked={selected} onChange={() => onToggle(item.id)} />
        </span>
        <span role="gridcell" title={new Date(item.updatedAt).toLocaleString()}>
          {shortTime(item.updatedAt)}
        </span>
        <span role="gridcell">{item.targetId}</span>
        <span role="gridcell">{item.fenceId}</span>
        <span role="gridcell">{item.event.device_id}</span>
        <span role="gridcell">
          {item.event.event_type}
          {item.replayed ? ' ↻' : ''}
        </span>
        <span role="gridcell" className="num">
          {item.attempts}/{item.maxAttempts}
        </span>
        <span role="gridcell" title={item.lastError ?? undefined}>
          <button className="link" onClick={() => onOpen(item.id)} aria-label={`Open ${item.id}`}>
            {item.lastError ?? '—'}
          </button>
        </span>
      </div>
    );
  },
  // The callbacks change identity at every render of the grid; what a row shows does not.
  (a, b) => a.item === b.item && a.index === b.index && a.selected === b.selected && a.open === b.open,
);
