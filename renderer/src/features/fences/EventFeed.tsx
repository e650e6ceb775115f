import { useMemo, useRef, useState } from 'react';
import { DetectSchema, type Fence } from '../../../../shared/fence';
import { useMapBeside } from '../../map';
import { feedEntries, useFeedVersion, type FeedEntry } from './event-feed';
import { EVENT_COLOURS } from './event-colours';
import { focusEvent } from './event-focus';

const ROW_PX = 24;
const VISIBLE_ROWS = 14;

/**
 * Fence events as they arrive, newest first: filter by fence, device and type, pause to read (events
 * keep being collected), click one to go to it. Only the rows on screen are in the page, so thousands
 * a second do not slow it.
 */
export function EventFeed({ fences }: { fences: readonly Fence[] }) {
  const map = useMapBeside()?.map;
  const version = useFeedVersion();
  const [paused, setPaused] = useState<number | null>(null);
  const [fence, setFence] = useState('');
  const [type, setType] = useState('');
  const [device, setDevice] = useState('');
  const [scroll, setScroll] = useState(0);
  const names = useMemo(() => new Map(fences.map((f) => [f.id, f.name])), [fences]);
  const frozen = useRef<readonly FeedEntry[]>([]);
  const all = paused === null ? feedEntries() : frozen.current;
  const rows = useMemo(() => {
    const d = device.trim().toLowerCase();
    const out: FeedEntry[] = [];
    for (let i = all.length - 1; i >= 0; i--) {
      const e = all[i]!.event;
      if ((fence && e.fence_id !== fence) || (type && e.event_type !== type) || (d && !e.device_id.toLowerCase().includes(d))) continue;
      out.push(all[i]!);
    }
    return out;
  }, [all, paused ?? version, fence, type, device]);
  const first = Math.floor(scroll / ROW_PX);
  const visible = rows.slice(first, first + VISIBLE_ROWS + 2);

  return (
    <section role="region" aria-label="Fence events" className="event-feed">
      <header className="feed-head">
        <h3>Fence events</h3>
        <span className="muted" aria-live="off">
          {rows.length.toLocaleString()} shown{paused !== null ? ` · paused (${(version - paused).toLocaleString()} new)` : ''}
        </span>
        <button
          onClick={() => {
            if (paused === null) {
              frozen.current = feedEntries().slice();
              setPaused(version);
            } else setPaused(null);
          }}
        >
          {paused === null ? 'Pause' : 'Resume'}
        </button>
      </header>
      <div className="field">
        <select aria-label="Filter events by fence" value={fence} onChange={(e) => setFence(e.target.value)}>
          <option value="">all fences</option>
          {fences.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        <select aria-label="Filter events by type" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">all types</option>
          {DetectSchema.options.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <input type="search" aria-label="Filter events by device" placeholder="device" value={device} onChange={(e) => setDevice(e.target.value)} />
      </div>
      {rows.length === 0 ? (
        <p className="muted">{all.length ? 'No event matches the filter.' : 'No events yet: they appear here as devices enter and leave enabled fences.'}</p>
      ) : (
        <div className="feed-rows" role="list" style={{ height: ROW_PX * VISIBLE_ROWS }} onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
          <div style={{ height: rows.length * ROW_PX, position: 'relative' }}>
            {visible.map((r, i) => (
              <button key={r.id} role="listitem" className="feed-row" style={{ top: (first + i) * ROW_PX }} onClick={() => focusEvent(map, r.event)}>
                <span className="dot" style={{ background: `rgb(${(EVENT_COLOURS[r.event.event_type] ?? [255, 255, 255]).join(',')})` }} />
                <span className="feed-type">{r.event.event_type}</span>
                <span className="feed-fence">{names.get(r.event.fence_id) ?? r.event.fence_id}</span>
                <span className="feed-device mono">{r.event.device_id}</span>
                <span className="muted">{new Date(r.event.timestamp).toLocaleTimeString()}</span>
              </button>
            ))}
          </div>
        </div>
      )}
    </section>
  );
}
