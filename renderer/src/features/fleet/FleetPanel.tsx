import type { FleetEngine, FleetList } from '../../../../shared/rpc';
import { useFleetFigures } from './use-fleet';
import { EmptyState, Panel } from '../../ui';
import {
  count,
  FLEET_BEHIND_MS,
  isFleetOfOne,
  msgs,
  shortDuration,
  type EngineRow,
  type FleetFigures,
  type PartitionTile,
  type TileKind,
} from './fleet-figures';

/** The fleet: the engines that share this NATS (from their heartbeats), and which engine owns each partition. */
export function FleetPanel() {
  const { list, figures, error } = useFleetFigures();
  const summary = figures?.summary;
  return (
    <Panel
      title="Fleet"
      actions={
        summary && (
          <span role="status" aria-label="Fleet health" className={`badge tone-${summary.tone === 'ok' ? 'good' : 'warn'}`} title={summary.problems.join('\n')}>
            {summary.words}
          </span>
        )
      }
    >
      {error && <p className="fleet-error">The fleet cannot be read: {error.message}</p>}
      {list && figures && <FleetBody list={list} figures={figures} />}
    </Panel>
  );
}

function FleetBody({ list, figures }: { list: FleetList; figures: FleetFigures }) {
  return (
    <div className="fleet">
      {list.error && (
        <p className="fleet-error" role="alert">
          {list.error}
        </p>
      )}
      {list.self.watchOnly && (
        <p className="fleet-note">
          This engine only watches (<code>fleet.watchOnly</code>): it pulls no positions and puts no heartbeat, so it is not in the list.
        </p>
      )}
      {isFleetOfOne(list) && (
        <EmptyState title="One engine: set cluster.partitions to share the work — see README">
          {list.mode === 'alone'
            ? 'This engine runs the simulator, without NATS. Engines that read the same NATS find each other through their heartbeats in the hexwatch-fleet bucket.'
            : 'No other engine puts a heartbeat in the hexwatch-fleet bucket of this NATS yet.'}
        </EmptyState>
      )}
      <h3 id="fleet-engines">Engines</h3>
      <EnginesTable rows={figures.engines} />
      <h3 id="fleet-partitions">Partitions</h3>
      {list.partitions.length === 0 ? (
        <p className="fleet-note">Partitions are off (cluster.partitions = 0): every engine reads the one consumer.</p>
      ) : (
        <PartitionsGrid tiles={figures.tiles} />
      )}
      <Legend rows={figures.engines} kinds={figures.kinds} />
    </div>
  );
}

const STATE_WORDS: Record<FleetEngine['state'], string> = { live: 'live', gone: 'gone', left: 'left' };

function EnginesTable({ rows }: { rows: EngineRow[] }) {
  return (
    <div className="fleet-table-wrap">
      <table className="fleet-engines" aria-labelledby="fleet-engines">
        <thead>
          <tr>
            <th scope="col">Engine</th>
            <th scope="col">State</th>
            <th scope="col" title="Partitions this engine holds the pin of (a gone or left engine: the ones it last held)">
              Partitions
            </th>
            <th scope="col" className="num" title="Positions committed per second">
              Pos/s
            </th>
            <th scope="col" className="num" title="The backlog of the partitions it owns, and how old the last committed position was when committed">
              Backlog
            </th>
            <th scope="col" className="num" title="Deliveries waiting / dead-lettered">
              Queue
            </th>
            <th scope="col" className="num" title="Since its last heartbeat">
              Heard
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ engine: e, colour, partitions, heard }) => (
            <tr key={e.id} className={`engine-${e.state}`} aria-label={`${e.name}${e.self ? ' (this engine)' : ''}, ${STATE_WORDS[e.state]}`}>
              <th scope="row">
                <span className="swatch" style={{ background: colour }} aria-hidden="true" />
                <span className="engine-name" title={e.name}>
                  {e.name}
                </span>
                <span
                  className="engine-where"
                  title={`id ${e.id}, pid ${e.pid} on ${e.host}, fences: ${e.fenceMode}${e.dataDir ? `, data in ${e.dataDir}` : ''}`}
                >
                  {[e.self ? 'this engine' : '', e.dataDir ? lastFolders(e.dataDir) : '', e.host, e.name !== e.id ? e.id : '', e.version]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
              </th>
              <td>
                <span className={`badge tone-${e.state === 'live' ? 'good' : e.state === 'gone' ? 'bad' : 'muted'}`}>{STATE_WORDS[e.state]}</span>
                <span className="engine-where" title={`its source: ${e.source === 'nats' ? 'NATS' : 'the simulator'}, ${e.sourceState}`}>
                  {e.state === 'left' ? 'stopped' : `${e.state === 'live' ? '' : 'last: '}${e.source === 'nats' ? '' : 'simulator '}${e.sourceState}`}
                </span>
              </td>
              <td>{partitions}</td>
              <td className="num">{e.state === 'live' ? count(e.positionsPerSec) : '—'}</td>
              <td className="num">{e.source === 'nats' && e.state === 'live' ? <Lag lag={e.lag} /> : '—'}</td>
              <td className="num">
                {count(e.queue.waiting)} / {count(e.queue.dead)}
              </td>
              <td className="num">{heard}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The last two folders of a data dir: enough to tell two engines on one machine apart (the whole path in the tooltip). */
const lastFolders = (dir: string) => dir.split(/[\\/]/).filter(Boolean).slice(-2).join('/');

/** The consumer's backlog, and how old the last committed position was when it was committed. */
function Lag({ lag }: { lag: FleetEngine['lag'] }) {
  return (
    <>
      {msgs(lag.pending)}
      <span className={`engine-where${(lag.lastPositionAgeMs ?? 0) >= FLEET_BEHIND_MS ? ' behind' : ''}`}>
        {lag.lastPositionAgeMs === null ? 'no position yet' : `${shortDuration(lag.lastPositionAgeMs)} behind`}
      </span>
    </>
  );
}

function PartitionsGrid({ tiles }: { tiles: PartitionTile[] }) {
  return (
    <ul className="fleet-partitions" aria-labelledby="fleet-partitions">
      {tiles.map((t) => (
        <li
          key={t.partition}
          className={`partition ${t.kind}`}
          aria-label={t.label}
          style={t.colour ? { borderLeftColor: t.colour } : undefined}
          title={t.label}
        >
          <span className="partition-no">{t.partition}</span>
          <span className="partition-owner">{t.words}</span>
          <span className="partition-backlog">{t.detail}</span>
        </li>
      ))}
    </ul>
  );
}

const KIND_WORDS: Record<Exclude<TileKind, 'owned'>, string> = {
  contested: 'contested: two live engines say they hold its pin (a moment during a handover; longer, a fault)',
  unowned: 'unowned: no engine holds its pin after its owner stopped, or while messages wait (until another takes it)',
  idle: 'idle: no positions yet and nothing waits; an engine takes its pin when the first comes',
};

function Legend({ rows, kinds }: { rows: EngineRow[]; kinds: TileKind[] }) {
  return (
    <dl className="fleet-legend" aria-label="Legend">
      {kinds.length > 0 &&
        rows
          .filter((r) => r.engine.state === 'live')
          .map((r) => (
            <div key={r.engine.id}>
              <dt>
                <span className="swatch" style={{ background: r.colour }} aria-hidden="true" />
              </dt>
              <dd>
                {r.engine.name}'s partitions{r.engine.self ? ' (this engine)' : ''}
                {r.partitions === 'none' || r.partitions === '—' ? ': none now' : ''}
              </dd>
            </div>
          ))}
      {kinds
        .filter((k): k is Exclude<TileKind, 'owned'> => k !== 'owned')
        .map((k) => (
          <div key={k}>
            <dt>
              <span className={`swatch ${k}`} aria-hidden="true" />
            </dt>
            <dd>{KIND_WORDS[k]}</dd>
          </div>
        ))}
      {kinds.length > 0 && (
        <div>
          <dt>backlog</dt>
          <dd>
            messages in the partition not yet committed; the fleet is behind (amber) when a position is {shortDuration(FLEET_BEHIND_MS)} old when committed
          </dd>
        </div>
      )}
      <div>
        <dt>
          <span className="badge tone-good">live</span>
        </dt>
        <dd>heard within 3 of its heartbeats</dd>
      </div>
      <div>
        <dt>
          <span className="badge tone-bad">gone</span>
        </dt>
        <dd>no heartbeat for 3 of its periods; off the list after a minute</dd>
      </div>
      <div>
        <dt>
          <span className="badge tone-muted">left</span>
        </dt>
        <dd>stopped and said so; off the list after a minute</dd>
      </div>
    </dl>
  );
}
