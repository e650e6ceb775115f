import { useEffect, useMemo, useState } from 'react';
import { z } from 'zod';
import type { Fence } from '../../../../shared/fence';
import { persistFields } from '../../app/preferences';
import { createStore } from '../../app/store';
import { selectedFence, setUi, useUi } from '../../app/ui-store';
import { useMutation, useRpc } from '../../engine';
import { useMapBeside } from '../../map';
import { useFenceEventCounts } from './fence-event-counts';
import { draftOf, setDraft } from './fence-draft';
import { fenceBounds } from './fence-geometry';
import { stateColours, type FenceState } from './fence-layers';

const SORT_KEYS = ['name', 'updated', 'events'] as const;
type SortKey = (typeof SORT_KEYS)[number];
/** The order the analyst chose for the list: kept, so it comes back after a reload and a restart. */
const fenceListOrder = createStore<{ sort: SortKey }>({ sort: 'name' });
persistFields(fenceListOrder, 'fences', { sort: z.enum(SORT_KEYS) });
/** How long a deleted fence can be brought back. */
const UNDO_MS = 8000;

/** The saved fences: search, sort, each one's deploy state and event rate, enable, edit, zoom to, delete with undo. */
export function FenceList({ fences }: { fences: readonly Fence[] }) {
  const map = useMapBeside()?.map;
  const [query, setQuery] = useState('');
  const { sort } = fenceListOrder.use();
  const setSort = (sort: SortKey) => fenceListOrder.set({ sort });
  const [deleted, setDeleted] = useState<Fence>();
  const selected = useUi(selectedFence);
  const { data: status } = useRpc('fences.status', {}, { refreshOn: ['status.changed'] });
  const enable = useMutation('fences.enable');
  const remove = useMutation('fences.remove');
  const restore = useMutation('fences.save');
  const counts = useFenceEventCounts();
  // A switch flips at once; the list from the engine confirms it (or, refused, puts it back).
  const [switching, setSwitching] = useState<Record<string, boolean>>({});
  useEffect(() => setSwitching({}), [fences]);

  useEffect(() => {
    if (!deleted) return;
    const t = setTimeout(() => setDeleted(undefined), UNDO_MS);
    return () => clearTimeout(t);
  }, [deleted]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const list = fences.filter((f) => !q || f.name.toLowerCase().includes(q) || f.id.toLowerCase().includes(q));
    const by: Record<SortKey, (a: Fence, b: Fence) => number> = {
      name: (a, b) => a.name.localeCompare(b.name),
      updated: (a, b) => (b.updated_at ?? 0) - (a.updated_at ?? 0),
      events: (a, b) => (counts.lastHour(b.id) ?? 0) - (counts.lastHour(a.id) ?? 0),
    };
    return list.sort(by[sort]);
  }, [fences, query, sort, sort === 'events' ? counts : 0]);

  const deployOf = (f: Fence): string => {
    if (!status || status.engine === 'embedded') return f.enabled ? 'embedded' : 'disabled';
    const d = status.deploy?.[f.id];
    if (!f.enabled) return 'disabled';
    return d ? `Tile38 ${d.state}${d.message ? `: ${d.message}` : ''}` : 'Tile38 pending';
  };

  return (
    <section role="region" aria-label="Fences" className="fence-list">
      <div className="field">
        <input type="search" aria-label="Search fences" placeholder="Search fences" value={query} onChange={(e) => setQuery(e.target.value)} />
        <select aria-label="Sort fences" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
          <option value="name">by name</option>
          <option value="updated">by last saved</option>
          <option value="events">by events (last hour)</option>
        </select>
      </div>
      {deleted && (
        <p className="toast" role="status">
          Deleted {deleted.name}.{' '}
          <button
            onClick={() => {
              const { version: _v, ...fence } = deleted;
              void restore.run({ fence });
              setDeleted(undefined);
            }}
          >
            Undo
          </button>
        </p>
      )}
      <ul className="list" aria-label="Saved fences">
        {shown.map((f) => (
          <li key={f.id} aria-label={f.name} aria-current={f.id === selected ? 'true' : undefined} className={f.id === selected ? 'selected' : undefined}>
            <div className="fence-row">
              <span className="list-title">{f.name}</span>
              <Sparkline counts={counts.perMinute(f.id)} />
            </div>
            <span className="muted">
              {f.geometry.type} · {f.detect.join(', ')} · v{f.version} · {deployOf(f)}
              {counts.lastHour(f.id) !== undefined &&
                ` · ${counts.lastHour(f.id)!.toLocaleString()} event${counts.lastHour(f.id) === 1 ? '' : 's'} in the last hour${f.version > 1 ? ' (all versions)' : ''}`}
            </span>
            <div className="row-actions">
              <label className="check">
                <input
                  type="checkbox"
                  checked={switching[f.id] ?? f.enabled}
                  aria-label={`Enabled: ${f.name}`}
                  onChange={(e) => {
                    const enabled = e.target.checked;
                    setSwitching((s) => ({ ...s, [f.id]: enabled }));
                    enable.run({ id: f.id, enabled }).catch(() => setSwitching(({ [f.id]: _, ...rest }) => rest));
                  }}
                />
                enabled
              </label>
              <button
                onClick={() => {
                  setDraft(draftOf(f));
                  setUi({ selection: { kind: 'fence', id: f.id } });
                }}
              >
                Edit
              </button>
              <button
                onClick={() => {
                  const [w, s, e, n] = fenceBounds(f.geometry);
                  map?.fitBounds([w, s, e, n], { padding: 80, duration: 600 });
                }}
              >
                Zoom to
              </button>
              <button
                aria-label={`Delete fence ${f.name}`}
                onClick={async () => {
                  await remove.run({ id: f.id });
                  setDeleted(f);
                }}
              >
                Delete
              </button>
            </div>
          </li>
        ))}
      </ul>
      {fences.length > 0 && shown.length === 0 && <p className="muted">No fence matches “{query}”.</p>}
      {(enable.error ?? remove.error ?? restore.error) && <p role="alert">{(enable.error ?? remove.error ?? restore.error)!.message}</p>}
    </section>
  );
}

/** What the fences' colours on the map mean. */
export function FenceLegend() {
  const colours = stateColours(useUi((s) => s.theme));
  const states: [FenceState, string][] = [
    ['enabled', 'enabled'],
    ['disabled', 'disabled'],
    ['selected', 'selected'],
    ['editing', 'being edited'],
    ['invalid', 'invalid edge'],
  ];
  return (
    <ul className="fence-legend" aria-label="Fence colours">
      {states.map(([state, label]) => (
        <li key={state}>
          <span className="swatch" style={{ borderColor: `rgb(${colours[state].join(',')})` }} />
          {label}
        </li>
      ))}
    </ul>
  );
}

/** A fence's events per minute over the last 15 minutes. */
function Sparkline({ counts }: { counts: number[] }) {
  const max = Math.max(1, ...counts);
  const points = counts.map((c, i) => `${(i / (counts.length - 1)) * 60},${16 - (c / max) * 14}`).join(' ');
  return (
    <svg className="sparkline" width="60" height="16" role="img" aria-label={`events per minute, last 15 minutes: ${counts.join(', ')}`}>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
