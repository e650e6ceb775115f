import { useEffect, useMemo, useRef, useState } from 'react';
import type { QueueItemInfo } from '../../../../shared/rpc';
import { useMutation, useRpc } from '../../engine';
import { Confirm, EmptyState } from '../../ui';
import { DeadLetterDetail } from './DeadLetterDetail';
import { EMPTY_FORM, filterOf, pagesOf, ROWS_PER_PAGE, scopeOf, type DeadLetterFilter, type DeadLetterForm } from './dead-letter-query';

const ROW_PX = 28;
const VISIBLE = 14;
type Sort = 'failed' | 'created' | 'attempts' | 'target' | 'fence';
const COLUMNS: { name: string; sort?: Sort; px: number }[] = [
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

/** A time short enough for a grid cell: the time of day today, else the date and time. */
function shortTime(ms: number): string {
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString()
    ? d.toLocaleTimeString()
    : d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
const REFRESH = { refreshOn: ['queue.changed'] as const };

/** Dead letters: filtered, counted per target and error, in a virtualised grid; requeued or discarded (with undo), one by one or all matching. */
export function DeadLetters() {
  const [form, setForm] = useState<DeadLetterForm>(EMPTY_FORM);
  const filter = useMemo(() => filterOf(form), [form]);
  const [sort, setSort] = useState<{ by: Sort; descending: boolean }>({ by: 'failed', descending: true });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string>();
  const [asking, setAsking] = useState<'requeue' | 'discard'>();
  const [undo, setUndo] = useState<{ batch: number; count: number }>();
  const [scroll, setScroll] = useState(0);
  const { data: targets } = useRpc('targets.list', {}, REFRESH);
  const { data: first, error } = useRpc('dlq.list', { ...filter, sort: sort.by, descending: sort.descending, limit: ROWS_PER_PAGE, offset: 0 }, REFRESH);
  const { data: counts } = useRpc('dlq.counts', filter, REFRESH);
  const requeue = useMutation('dlq.requeue', { invalidates: ['dlq.list', 'dlq.counts', 'queue.health'] });
  const discard = useMutation('dlq.discard', { invalidates: ['dlq.list', 'dlq.counts', 'queue.health'] });
  const restore = useMutation('dlq.undoDiscard', { invalidates: ['dlq.list', 'dlq.counts', 'queue.health'] });
  const total = first?.total ?? 0;
  const scope = scopeOf(filter, selected, total);
  const scroller = useRef<HTMLDivElement>(null);

  // A new filter or order starts from the top with nothing ticked.
  useEffect(() => {
    setSelected(new Set());
    setScroll(0);
    scroller.current?.scrollTo({ top: 0 });
  }, [JSON.stringify(filter), sort.by, sort.descending]);
  useEffect(() => {
    if (!undo) return;
    const t = setTimeout(() => setUndo(undefined), 15_000);
    return () => clearTimeout(t);
  }, [undo]);

  const set = (patch: Partial<DeadLetterForm>) => setForm((f) => ({ ...f, ...patch }));
  const firstRow = Math.floor(scroll / ROW_PX);
  const lastRow = Math.min(total - 1, firstRow + VISIBLE + 2);
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const run = async () => {
    const what = asking;
    setAsking(undefined);
    if (what === 'requeue') await requeue.run(scope.params).catch(() => undefined);
    if (what === 'discard') {
      const r = await discard.run(scope.params).catch(() => undefined);
      if (r?.discarded) setUndo({ batch: r.batch, count: r.discarded });
    }
    setSelected(new Set());
  };

  return (
    <div className="dlq">
      <form className="dlq-filter" aria-label="Filter dead letters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Target
          <select value={form.targetId} onChange={(e) => set({ targetId: e.target.value })}>
            <option value="">Any</option>
            {(targets ?? [])
              .filter((t) => t.kind !== 'feed')
              .map((t) => (
                <option key={t.id}>{t.id}</option>
              ))}
          </select>
        </label>
        <label>
          Fence
          <input value={form.fenceId} onChange={(e) => set({ fenceId: e.target.value })} placeholder="fence id" />
        </label>
        <label>
          Device
          <input value={form.deviceId} onChange={(e) => set({ deviceId: e.target.value })} placeholder="device id" />
        </label>
        <label>
          Error contains
          <input value={form.error} onChange={(e) => set({ error: e.target.value })} placeholder="HTTP 500" />
        </label>
        <label>
          From
          <input type="datetime-local" value={form.from} onChange={(e) => set({ from: e.target.value })} />
        </label>
        <label>
          To
          <input type="datetime-local" value={form.to} onChange={(e) => set({ to: e.target.value })} />
        </label>
        <button type="button" disabled={Object.keys(filter).length === 0} onClick={() => setForm(EMPTY_FORM)}>
          Clear filter
        </button>
      </form>

      {counts && total > 0 && <Counts counts={counts} filter={filter} onPick={set} />}
      {error && <p role="alert">{error.message}</p>}

      <div className="toolbar dlq-actions">
        <span role="status" className="muted">
          {total.toLocaleString()} dead letter{total === 1 ? '' : 's'}
          {Object.keys(filter).length ? ' matching the filter' : ''}
          {selected.size ? ` · ${selected.size} selected` : ''}
        </span>
        <button disabled={total === 0 || requeue.pending} onClick={() => setAsking('requeue')} title={`Requeue ${scope.words}`}>
          Requeue
        </button>
        <button className="danger" disabled={total === 0 || discard.pending} onClick={() => setAsking('discard')} title={`Discard ${scope.words}`}>
          Discard
        </button>
      </div>
      {asking && (
        <Confirm
          title={asking === 'requeue' ? `Requeue ${scope.count.toLocaleString()} dead letters?` : `Discard ${scope.count.toLocaleString()} dead letters?`}
          confirm={`${asking === 'requeue' ? 'Requeue' : 'Discard'} ${scope.count.toLocaleString()}`}
          danger={asking === 'discard'}
          onConfirm={() => void run()}
          onCancel={() => setAsking(undefined)}
        >
          {asking === 'requeue'
            ? `${scope.words[0]!.toUpperCase()}${scope.words.slice(1)} go back to pending with their attempts reset and are delivered again, with the same webhook-id.`
            : `${scope.words[0]!.toUpperCase()}${scope.words.slice(1)} leave the queue (their attempts stay in the delivery log). You can undo this for a minute.`}
        </Confirm>
      )}
      {(requeue.error ?? discard.error) && <p role="alert">{(requeue.error ?? discard.error)!.message}</p>}
      {undo && (
        <p className="toast" role="status">
          Discarded {undo.count.toLocaleString()} dead letter{undo.count === 1 ? '' : 's'}.{' '}
          <button
            onClick={() => {
              void restore.run({ batch: undo.batch });
              setUndo(undefined);
            }}
          >
            Undo
          </button>
        </p>
      )}

      {first && total === 0 ? (
        <EmptyState title={Object.keys(filter).length ? 'No dead letters match the filter' : 'No dead letters'}>
          Deliveries that run out of attempts, or that a receiver refuses for good, wait here to be inspected, fixed and requeued.
        </EmptyState>
      ) : (
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
                        setSelected(e.target.checked ? new Set([...shown].map((r) => r.dataset.dlqId!)) : new Set());
                      }}
                    />
                  ) : c.sort ? (
                    <button
                      className="grid-sort"
                      onClick={() => setSort((s) => ({ by: c.sort!, descending: s.by === c.sort ? !s.descending : c.sort !== 'target' && c.sort !== 'fence' }))}
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
                pagesOf(firstRow, lastRow).map((page) => (
                  <Page
                    key={page}
                    page={page}
                    filter={filter}
                    sort={sort}
                    rows={[firstRow, lastRow]}
                    selected={selected}
                    open={open}
                    onToggle={toggle}
                    onOpen={setOpen}
                    firstPage={page === 0 ? first : undefined}
                  />
                ))}
            </div>
          </div>
        </div>
      )}
      {open && <DeadLetterDetail id={open} onClose={() => setOpen(undefined)} />}
    </div>
  );
}

/** The rows of one page that are on screen; the first page comes with the count, the others on their own. */
function Page(props: {
  page: number;
  filter: DeadLetterFilter;
  sort: { by: Sort; descending: boolean };
  rows: [number, number];
  selected: ReadonlySet<string>;
  open?: string;
  onToggle(id: string): void;
  onOpen(id: string): void;
  firstPage?: { items: QueueItemInfo[] };
}) {
  const { data } = useRpc(
    'dlq.list',
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
          <div
            role="row"
            aria-rowindex={r + 2}
            aria-selected={props.selected.has(item.id)}
            key={item.id}
            data-dlq-id={item.id}
            className={`grid-row dlq-row${props.open === item.id ? ' open' : ''}`}
            style={{ top: r * ROW_PX, gridTemplateColumns: TEMPLATE, minWidth: WIDTH, width: '100%', height: ROW_PX }}
            onClick={() => props.onOpen(item.id)}
          >
            <span role="gridcell" onClick={(e) => e.stopPropagation()}>
              <input type="checkbox" aria-label={`Select ${item.id}`} checked={props.selected.has(item.id)} onChange={() => props.onToggle(item.id)} />
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
              <button className="link" onClick={() => props.onOpen(item.id)} aria-label={`Open ${item.id}`}>
                {item.lastError ?? '—'}
              </button>
            </span>
          </div>
        );
      })}
    </>
  );
}

/** Dead letters per target and the commonest errors: each a button that narrows the filter to it. */
function Counts({
  counts,
  filter,
  onPick,
}: {
  counts: { byTarget: Record<string, number>; byError: { error: string; count: number }[] };
  filter: DeadLetterFilter;
  onPick(patch: Partial<DeadLetterForm>): void;
}) {
  return (
    <div className="dlq-counts">
      <section aria-label="Dead letters per target">
        <h3>Per target</h3>
        {Object.entries(counts.byTarget).map(([target, n]) => (
          <button
            key={target}
            className="count-chip"
            aria-pressed={filter.targetId === target}
            onClick={() => onPick({ targetId: filter.targetId === target ? '' : target })}
          >
            {target} <b>{n.toLocaleString()}</b>
          </button>
        ))}
      </section>
      <section aria-label="Dead letters per error">
        <h3>Commonest errors</h3>
        {counts.byError.slice(0, 6).map((e) => (
          <button key={e.error} className="count-chip" title={e.error} onClick={() => onPick({ error: e.error })}>
            <span className="count-chip-text">{e.error || '(no error)'}</span> <b>{e.count.toLocaleString()}</b>
          </button>
        ))}
      </section>
    </div>
  );
}
