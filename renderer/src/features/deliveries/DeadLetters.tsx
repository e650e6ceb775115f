import { useEffect, useId, useMemo, useState } from 'react';
import type { QueueFigures } from '../../../../shared/rpc';
import { useMutation, useRpc } from '../../engine';
import { Confirm, EmptyState, NewRows, useHeld, useHoverHold } from '../../ui';
import { DeadLetterDetail } from './DeadLetterDetail';
import { DeadLetterGrid, type DeadLetterSort } from './DeadLetterGrid';
import { deadLetterActions } from './deliveries-panel-state';
import { EMPTY_FORM, filterOf, ROWS_PER_PAGE, scopeOf, type DeadLetterFilter, type DeadLetterForm } from './dead-letter-query';
import { fenceIdOf } from './fence-names';
import { useOnQueueChange, useQueueFigures } from './queue-figures';
import { FenceNameList } from './FenceNameList';

type Sort = DeadLetterSort;

/**
 * Dead letters: filtered (a fence by its name or id), counted per target and error, in a virtualised grid;
 * an item opened in a drawer beside the panel; requeued or discarded (with undo), one by one or all matching.
 * With no filter, the count and the per-target chips are the queue's figures, the same the status bar shows.
 */
export function DeadLetters() {
  const [form, setForm] = useState<DeadLetterForm>(EMPTY_FORM);
  const { data: fences } = useRpc('fences.list', {}, { refreshOn: ['fences.changed'] });
  const fence = useMemo(() => fenceIdOf(form.fenceId, fences ?? []), [form.fenceId, fences]);
  const filter = useMemo(() => filterOf({ ...form, fenceId: fence.id }), [form, fence.id]);
  const names = useMemo(() => new Map((fences ?? []).map((f) => [f.id, f.name])), [fences]);
  const fenceList = useId();
  const { figures } = useQueueFigures();
  const [sort, setSort] = useState<{ by: Sort; descending: boolean }>({ by: 'failed', descending: true });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<string>();
  const [asking, setAsking] = useState<'requeue' | 'discard'>();
  const [undo, setUndo] = useState<{ batch: number; count: number }>();
  const targets = useRpc('deliveries.targets', {});
  const list = useRpc('deliveries.deadLetters', { ...filter, sort: sort.by, descending: sort.descending, limit: ROWS_PER_PAGE, offset: 0 });
  const counts = useRpc('deliveries.deadLetterCounts', filter);
  useOnQueueChange(() => {
    targets.refresh();
    list.refresh();
    counts.refresh();
  });
  const { data: first, error } = list;
  const requeue = useMutation('deliveries.requeue');
  const discard = useMutation('deliveries.discard');
  const restore = useMutation('deliveries.undoDiscard');
  const filtered = Object.keys(filter).length > 0;
  // Unfiltered, the count is the queue's own figure: the one the status bar and the panel's chip show.
  const total = !filtered && figures ? figures.dlq_count : (first?.total ?? 0);
  const scope = scopeOf(filter, selected, total);
  // Under the pointer (or with focus inside) the grid and its toolbar hold still: what comes meanwhile waits behind "N new — show".
  const { holding, bind } = useHoverHold();
  const [shows, setShows] = useState(0);
  const generation = `${JSON.stringify(filter)} ${sort.by} ${sort.descending} ${shows}`;
  const held = useHeld({ total: first?.total ?? 0, first }, holding, generation);
  const actionable = first !== undefined && scope.count > 0;
  /** Why Requeue and Discard have nothing to act on, said where the analyst looks: the disabled button's title. */
  const nothing = actionable
    ? undefined
    : first === undefined
      ? 'Counting the dead letters…'
      : filtered
        ? 'Nothing to act on: no dead letter matches the filter'
        : 'Nothing to act on: there are no dead letters';
  // The palette's Requeue and Discard ask as the buttons do.
  useEffect(() => {
    deadLetterActions.set({ count: actionable ? scope.count : 0, ask: setAsking });
    return () => deadLetterActions.set(null);
  }, [actionable, scope.count]);

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
            {(targets.data ?? [])
              .filter((t) => t.kind !== 'feed')
              .map((t) => (
                <option key={t.id}>{t.id}</option>
              ))}
          </select>
        </label>
        <label>
          Fence
          <input value={form.fenceId} onChange={(e) => set({ fenceId: e.target.value })} placeholder="name or id" list={fenceList} />
          <FenceNameList id={fenceList} fences={fences} />
          {fence.named && <span className="field-note">fence {fence.id}</span>}
          {fence.ambiguous && <span className="field-note">{fence.ambiguous.length} fences have this name: type the id</span>}
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
        <button type="button" disabled={!filtered} onClick={() => setForm(EMPTY_FORM)}>
          Clear filter
        </button>
      </form>

      {total > 0 && (counts.data || (!filtered && figures)) && (
        <Counts counts={counts.data ?? { byTarget: {}, byError: [] }} figures={filtered ? undefined : figures} filter={filter} onPick={set} />
      )}
      {error && <p role="alert">{error.message}</p>}

      <div className="dlq-hold" {...bind}>
        <div className="toolbar dlq-actions" role="toolbar" aria-label="Dead letters">
          <span role="status" className="muted">
            {total.toLocaleString()} dead letter{total === 1 ? '' : 's'}
            {filtered ? ' matching the filter' : ''}
            {selected.size ? ` · ${selected.size} selected` : ''}
          </span>
          <button disabled={!actionable || requeue.pending} onClick={() => setAsking('requeue')} title={nothing ?? `Requeue ${scope.words}`}>
            Requeue
          </button>
          <button className="danger" disabled={!actionable || discard.pending} onClick={() => setAsking('discard')} title={nothing ?? `Discard ${scope.words}`}>
            Discard
          </button>
          <NewRows count={(first?.total ?? 0) - held.total} onShow={() => setShows((n) => n + 1)} />
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
          <EmptyState title={filtered ? 'No dead letters match the filter' : 'No dead letters'}>
            Deliveries that run out of attempts, or that a receiver refuses for good, wait here to be inspected, fixed and requeued.
          </EmptyState>
        ) : (
          <DeadLetterGrid
            total={held.total}
            first={held.first}
            holding={holding}
            generation={generation}
            filter={filter}
            sort={sort}
            onSort={setSort}
            selected={selected}
            onSelect={setSelected}
            open={open}
            onOpen={setOpen}
            names={names}
          />
        )}
      </div>
      {open && <DeadLetterDetail id={open} onClose={() => setOpen(undefined)} />}
    </div>
  );
}

/** Dead letters per target (unfiltered: the queue's figures) and the commonest errors: each a button that narrows the filter to it. */
function Counts({
  counts,
  figures,
  filter,
  onPick,
}: {
  counts: { byTarget: Record<string, number>; byError: { error: string; count: number }[] };
  figures?: QueueFigures;
  filter: DeadLetterFilter;
  onPick(patch: Partial<DeadLetterForm>): void;
}) {
  const perTarget = figures ? figures.targets.filter((t) => t.dlq_count > 0).map((t) => [t.target_id, t.dlq_count] as const) : Object.entries(counts.byTarget);
  return (
    <div className="dlq-counts">
      <section aria-label="Dead letters per target">
        <h3>Per target</h3>
        {perTarget.map(([target, n]) => (
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
