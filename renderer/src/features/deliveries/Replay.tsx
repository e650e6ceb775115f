import { useId, useMemo, useState } from 'react';
import { FenceEventTypeSchema } from '../../../../shared/fence-event';
import type { ParamsOf, ResultOf } from '../../../../shared/rpc';
import { useEngine, useJob, useRpc } from '../../engine';
import { fenceIdsOf, type NamedFence } from './fence-names';
import { useOnQueueChange } from './queue-figures';
import { FenceNameList } from './FenceNameList';

type ReplayFilter = ParamsOf<'deliveries.replayPreview'>;
const TYPES = FenceEventTypeSchema.options;

/** The form's choices as the engine's filter: fences (names or ids) and devices (comma or newline separated), types, and a time range. */
export function replayFilterOf(
  form: { fences: string; devices: string; types: string[]; from: string; to: string },
  known: readonly NamedFence[] = [],
): ReplayFilter {
  const time = (s: string) => (s && Number.isFinite(new Date(s).getTime()) ? new Date(s).getTime() : undefined);
  const devices = form.devices
    .split(/[\s,]+/)
    .map((d) => d.trim())
    .filter(Boolean);
  const fenceIds = fenceIdsOf(form.fences, known);
  return {
    ...(fenceIds.length ? { fenceIds } : {}),
    ...(devices.length ? { deviceIds: devices } : {}),
    ...(form.types.length && form.types.length < TYPES.length ? { types: form.types as ReplayFilter['types'] } : {}),
    ...(time(form.from) !== undefined ? { from: time(form.from) } : {}),
    ...(time(form.to) !== undefined ? { to: time(form.to) } : {}),
  };
}

/** Re-delivers past events (the queue's log, the archive for older ones) to a target: previewed, run with progress, cancellable. */
export function Replay() {
  const { client } = useEngine();
  const { data: fences } = useRpc('fences.list', {}, { refreshOn: ['fences.changed'] });
  const { data: targets, refresh } = useRpc('deliveries.targets', {});
  useOnQueueChange(refresh);
  const [form, setForm] = useState({ fences: '', devices: '', types: [...TYPES] as string[], from: '', to: '', target: '' });
  const [preview, setPreview] = useState<ResultOf<'deliveries.replayPreview'>>();
  const run = useJob('deliveries.replay');
  const filter = useMemo(() => replayFilterOf(form, fences ?? []), [form, fences]);
  const fenceList = useId();
  const set = (patch: Partial<typeof form>) => {
    setForm((f) => ({ ...f, ...patch }));
    setPreview(undefined);
  };
  const outside = (targets ?? []).filter((t) => t.kind !== 'feed');
  const target = form.target || outside[0]?.id || '';
  const running = run.running;
  // A cancelled replay keeps what it queued: its last progress says how many.
  const queued = run.status === 'done' ? run.result?.queued : run.status === 'cancelled' ? (run.progress?.queued ?? 0) : undefined;
  const total = preview ? preview.fromLog + preview.fromArchive : undefined;
  return (
    <form
      className="replay"
      aria-label="Replay events"
      onSubmit={(e) => {
        e.preventDefault();
        void run.start({ ...filter, targetId: target });
      }}
    >
      <label>
        Fences (names or ids, comma separated; empty: all)
        <input value={form.fences} onChange={(e) => set({ fences: e.target.value })} placeholder="Depot, north-gate" list={fenceList} />
        <FenceNameList id={fenceList} fences={fences} />
        {filter.fenceIds && (
          <span className="field-note">
            fence{filter.fenceIds.length === 1 ? '' : 's'} {filter.fenceIds.join(', ')}
          </span>
        )}
      </label>
      <label>
        Devices (comma separated; empty: all)
        <input value={form.devices} onChange={(e) => set({ devices: e.target.value })} placeholder="truck-17, truck-18" />
      </label>
      <fieldset className="count-chips">
        <legend>Event types</legend>
        {TYPES.map((t) => (
          <label key={t} className="count-chip">
            <input
              type="checkbox"
              checked={form.types.includes(t)}
              onChange={(e) => set({ types: e.target.checked ? [...form.types, t] : form.types.filter((x) => x !== t) })}
            />{' '}
            {t}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <label>
          From
          <input type="datetime-local" step={1} value={form.from} onChange={(e) => set({ from: e.target.value })} />
        </label>
        <label>
          To
          <input type="datetime-local" step={1} value={form.to} onChange={(e) => set({ to: e.target.value })} />
        </label>
      </div>
      <label>
        To target
        <select value={target} onChange={(e) => set({ target: e.target.value })}>
          {outside.map((t) => (
            <option key={t.id}>{t.id}</option>
          ))}
        </select>
      </label>
      <div className="toolbar">
        <button type="button" disabled={running} onClick={() => void client.call('deliveries.replayPreview', filter).then(setPreview)}>
          Preview count
        </button>
        <button type="submit" className="primary" disabled={!target || running || form.types.length === 0}>
          Start replay
        </button>
        {running && (
          <button type="button" onClick={() => void run.cancel()}>
            Cancel replay
          </button>
        )}
      </div>
      {total !== undefined && (
        <p role="status" aria-label="Replay preview">
          {total.toLocaleString()} event{total === 1 ? '' : 's'} to replay: {preview!.fromLog.toLocaleString()} from the queue's log,{' '}
          {preview!.fromArchive.toLocaleString()} from the Parquet archive.
        </p>
      )}
      {running && (
        <p role="status" aria-label="Replay progress">
          <progress max={run.progress?.total || 1} value={run.progress?.queued ?? 0} />{' '}
          {run.progress?.phase === 'queueing'
            ? `${run.progress.queued.toLocaleString()} of ${run.progress.total.toLocaleString()} queued`
            : 'Reading the events…'}
        </p>
      )}
      {queued !== undefined && (
        <p role="status" aria-label="Replay result" className="toast">
          {run.status === 'cancelled' ? 'Cancelled: ' : ''}
          {queued.toLocaleString()} event{queued === 1 ? '' : 's'} queued for {target} as new deliveries (marked replayed)
          {run.status === 'cancelled' ? ' before the cancel; they stay queued.' : '.'}
        </p>
      )}
      {run.status === 'failed' && <p role="alert">{run.error?.message}</p>}
      {outside.length === 0 && <p className="muted">Add a target first: a replay delivers to one.</p>}
    </form>
  );
}
