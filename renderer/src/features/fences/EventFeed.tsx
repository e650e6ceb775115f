import { useMemo, useRef, useState } from 'react';
import { DetectSchema, type Fence } from '../../../../shared/fence';
import type { FenceEvent } from '../../../../shared/fence-event';
import { useMapBeside } from '../../map';
import { useEngine } from '../../engine';
import { MenuButton, NewRows, useHoverHold } from '../../ui';
import { feedEntries, useFeedVersion, type FeedEntry } from './event-feed';
import { EVENT_COLOURS } from './event-colours';
import { focusEvent } from './event-focus';
import { exportEventFile, gisItems, type EventFilter } from './fence-files';

const ROW_PX = 40;
const VISIBLE_ROWS = 9;

type Filter = EventFilter;

const matches = (e: FenceEvent, f: Filter, device: string) =>
  !((f.fence && e.fence_id !== f.fence) || (f.type && e.event_type !== f.type) || (device && !e.device_id.toLowerCase().includes(device)));

/** What the feed shows while it holds: the events as they were, and how many had arrived then. */
interface Snapshot {
  entries: readonly FeedEntry[];
  version: number;
  shows: number;
}

/**
 * Fence events as they arrive, newest first: filter by fence, device and type, click one to go to it.
 * It holds still under the pointer (and while paused): new events wait behind "N new — show" in its
 * header instead of moving the row being read. Each row shows the fence's name and id and the device's id whole, on a line
 * of their own. Only the rows on screen are in the page, so thousands a second do not slow it.
 */
export function EventFeed({ fences }: { fences: readonly Fence[] }) {
  const map = useMapBeside()?.map;
  const { client } = useEngine();
  const version = useFeedVersion();
  const [paused, setPaused] = useState(false);
  const [shows, setShows] = useState(0);
  const [filter, setFilter] = useState<Filter>({ fence: '', type: '', device: '' });
  const [scroll, setScroll] = useState(0);
  const { holding, bind } = useHoverHold();
  const names = useMemo(() => new Map(fences.map((f) => [f.id, f.name])), [fences]);
  const snapshot = useRef<Snapshot | null>(null);
  const still = paused || holding;
  // The snapshot is taken when the hold begins (and at each "show"): copying the feed at every event would cost what holding saves.
  if (!still) snapshot.current = null;
  else if (!snapshot.current || snapshot.current.shows !== shows) snapshot.current = { entries: feedEntries().slice(), version, shows };
  const all = snapshot.current?.entries ?? feedEntries();
  const device = filter.device.trim().toLowerCase();
  const rows = useMemo(() => {
    const out: FeedEntry[] = [];
    for (let i = all.length - 1; i >= 0; i--) if (matches(all[i]!.event, filter, device)) out.push(all[i]!);
    return out;
  }, [all, snapshot.current ? shows : version, filter, device]);
  // Of the events that came while holding (the newest of the feed), those the filter shows.
  const fresh = useMemo(() => {
    if (!snapshot.current) return 0;
    const live = feedEntries();
    let n = 0;
    for (let i = Math.max(0, live.length - (version - snapshot.current.version)); i < live.length; i++) if (matches(live[i]!.event, filter, device)) n++;
    return n;
  }, [version, snapshot.current, filter, device]);
  const first = Math.floor(scroll / ROW_PX);
  const visible = rows.slice(first, first + VISIBLE_ROWS + 2);
  const set = (patch: Partial<Filter>) => setFilter((f) => ({ ...f, ...patch }));

  return (
    <section role="region" aria-label="Fence events" className="event-feed" {...bind}>
      <header className="feed-head">
        <h3>Fence events</h3>
        <span className="muted" aria-live="off">
          {rows.length.toLocaleString()} shown{paused ? ' · paused' : ''}
        </span>
        <NewRows count={fresh} onShow={() => setShows((n) => n + 1)} />
        <button onClick={() => setPaused(!paused)}>{paused ? 'Resume' : 'Pause'}</button>
        <MenuButton
          label="Export"
          name="Export events"
          menuLabel="Export the filtered fence events as"
          items={gisItems((f) => exportEventFile(client, f, filter))}
        />
      </header>
      <div className="field">
        <select aria-label="Filter events by fence" value={filter.fence} onChange={(e) => set({ fence: e.target.value })}>
          <option value="">all fences</option>
          {fences.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        <select aria-label="Filter events by type" value={filter.type} onChange={(e) => set({ type: e.target.value })}>
          <option value="">all types</option>
          {DetectSchema.options.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <input
          type="search"
          aria-label="Filter events by device"
          placeholder="device"
          value={filter.device}
          onChange={(e) => set({ device: e.target.value })}
        />
      </div>
      {rows.length === 0 ? (
        <p className="muted">{all.length ? 'No event matches the filter.' : 'No events yet: they appear here as devices enter and leave enabled fences.'}</p>
      ) : (
        <div className="feed-rows" role="list" style={{ height: ROW_PX * VISIBLE_ROWS }} onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
          <div style={{ height: rows.length * ROW_PX, position: 'relative' }}>
            {visible.map((r, i) => (
              <FeedRow key={r.id} entry={r} top={(first + i) * ROW_PX} name={names.get(r.event.fence_id)} onClick={() => focusEvent(map, r.event)} />
            ))}
          </div>
        </div>
      )}
    </section>
  );
}

/**
 * One event on two lines: its type, its fence (by name, or its id when it has none) and its time; then the
 * device's id, whole, and the fence's id beside it where there is room (its title has it always).
 */
function FeedRow({ entry, top, name, onClick }: { entry: FeedEntry; top: number; name?: string; onClick(): void }) {
  const e = entry.event;
  const named = name && name !== e.fence_id;
  return (
    <button role="listitem" className="feed-row" style={{ top, height: ROW_PX }} onClick={onClick}>
      <span className="dot" style={{ background: `rgb(${(EVENT_COLOURS[e.event_type] ?? [255, 255, 255]).join(',')})` }} />
      <span className="feed-type">{e.event_type}</span>
      <span className={named ? 'feed-fence' : 'feed-fence mono'} title={named ? `${name} (${e.fence_id})` : e.fence_id}>
        {named ? name : e.fence_id}
      </span>
      <span className="feed-time muted">{new Date(e.timestamp).toLocaleTimeString()}</span>
      <span className="feed-ids">
        <span className="feed-device mono" title={e.device_id}>
          {e.device_id}
        </span>
        {named && <span className="feed-fence-id mono muted">{e.fence_id}</span>}
      </span>
    </button>
  );
}
