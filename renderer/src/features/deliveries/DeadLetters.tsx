import { useEffect, useMemo, useState } from 'react';
import { useMutation, useRpc } from '../../engine';
import { Confirm, EmptyState } from '../../ui';
import { DeadLetterDetail } from './DeadLetterDetail';
import { DeadLetterGrid, type DeadLetterSort } from './DeadLetterGrid';
import { EMPTY_FORM, filterOf, ROWS_PER_PAGE, scopeOf, type DeadLetterFilter, type DeadLetterForm } from './dead-letter-query';

type Sort = DeadLetterSort;
const REFRESH = { refreshOn: ['deliveries.changed'] as const };

/** Dead letters: filtered, counted per target and error, in a virtualised grid; requeued or discarded (with undo), one by one or all matching. */
export function DeadLetters() {
  const [form, setForm] = useState<DeadLetterForm>(EMPTY_FORM);
  const filter = useMemo(() => filterOf(form), [form]);
  const [sort, setSort] = useState<{ by: Sort; descending: boolean }>({ by: 'failed', descending: true });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string>();
  const [asking, setAsking] = useState<'requeue' | 'discard'>();
  const [undo, setUndo] = useState<{ batch: number; count: number }>();
  const { data: targets } = useRpc('deliveries.targets', {}, REFRESH);
  const { data: first, error } = useRpc(
    'deliveries.deadLetters',
    { ...filter, sort: sort.by, descending: sort.descending, limit: ROWS_PER_PAGE, offset: 0 },
    REFRESH,
  );
  const { data: counts } = useRpc('deliveries.deadLetterCounts', filter, REFRESH);
  const requeue = useMutation('deliveries.requeue');
  const discard = useMutation('deliveries.discard');
  const restore = useMutation('deliveries.undoDiscard');
  const total = first?.total ?? 0;
  const scope = scopeOf(filter, selected, total);

  // A new filter or order starts from the top with nothing ticked.
  useEffect(() => {
    setSelected(new Set());
  }, [JSON.stringify(filter), sort.by, sort.descending]);
  useEffect(() => {
    if (!undo) return;
    const t = setTimeout(() => setUndo(undefined), 15_000);
    return () => clearTimeout(t);
  }, [undo]);

  const set = (patch: Partial<DeadLetterForm>) => setForm((f) => ({ ...f, ...patch }));

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
            ? `${scope.words[0]!.toUpperCase()}${scope.words.slice(1)} go back to pending for another round of tries (their attempts count on) and are delivered again, with the same webhook-id.`
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
        <DeadLetterGrid
          total={total}
          filter={filter}
          sort={sort}
          onSort={setSort}
          selected={selected}
          onSelect={setSelected}
          open={open}
          onOpen={setOpen}
          first={first}
        />
      )}
      {open && <DeadLetterDetail id={open} onClose={() => setOpen(undefined)} />}
    </div>
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
