import type { Status } from '../../../../shared/rpc';
import { useChannelValue, useConnection, useRpc } from '../../engine';
import { setUi } from '../../app/ui-store';
import { countsOf, useQueueFigures } from '../deliveries';
import { openConnections } from '../connections';
import { DemoPill } from '../demo';
import { FleetPill } from '../fleet';
import { useHeatmapStats } from '../heatmap';

const fmt = (n: number) => n.toLocaleString(undefined, { maximumFractionDigits: 0 });

/** Source and its state, throughput, devices, cells on screen, and the link to the engine. */
export function StatusBar() {
  const first = useRpc('status.get', {});
  const s = useChannelValue('status.changed') ?? first.data;
  const connection = useConnection();
  const { cells, resolution } = useHeatmapStats();
  // The queue's counts are the Deliveries panel's own (one value, pushed on deliveries.changed); the status's only when the queue cannot open.
  const { figures } = useQueueFigures();
  const queue = figures
    ? { health: figures.status, words: countsOf(figures), detail: figures.reasons.join('; ') || undefined }
    : s?.queue && { health: s.queue.health, words: countsOf({ pending_count: s.queue.pending, dlq_count: s.queue.dlq }), detail: s.queue.detail };
  // A source or Tile38 that dropped says why beside it, with the way back to its settings.
  const dropped = s?.source === 'nats' && (s.sourceState === 'reconnecting' || s.sourceState === 'error');
  const { data: fences } = useRpc('fences.status', {}, { refreshOn: ['status.changed'] });
  const tile38Down = fences?.engine === 'tile38' && (fences.connection === 'reconnecting' || fences.connection === 'error');
  // Figures last heard from an engine gone are not live: greyed, and the source says the engine is gone instead of its state.
  const lost = connection.state === 'closed';
  const link = connection.state === 'open' ? 'connected' : connection.state === 'connecting' ? 'connecting…' : 'disconnected';
  return (
    <footer className={`status-bar${lost ? ' lost' : ''}`} data-testid="status-bar" role="status">
      <button
        className={`pill source-${lost ? 'error' : (s?.sourceState ?? 'starting')}`}
        data-testid="source-status"
        title={`${s?.sourceDetail ? `${s.sourceDetail} — ` : ''}open Connections (Shift+C)`}
        onClick={() => openConnections()}
      >
        {s ? (s.source === 'nats' ? 'NATS' : 'simulator') : '…'} · {lost ? 'engine disconnected' : (s?.sourceState ?? 'starting')}
      </button>
      {s?.ingest?.partitions && <PartitionsPill {...s.ingest.partitions} />}
      {s?.sourceDetail && (
        <span className={`detail${dropped ? ' reason' : ''}`} title={s.sourceDetail}>
          {dropped ? s.sourceDetail : clipped(s.sourceDetail)}
        </span>
      )}
      {dropped && <ReconnectButton what="NATS" />}
      {tile38Down && (
        <>
          <button className="pill source-error" data-testid="tile38-status" title={fences?.error} onClick={() => openConnections()}>
            Tile38 · {fences.connection}
          </button>
          {fences.error && (
            <span className="detail reason" title={fences.error}>
              {fences.error}
            </span>
          )}
          <ReconnectButton what="Tile38" />
        </>
      )}
      <DemoPill demo={s?.demo} />
      <span className="figure" title={`${fmt(s?.positionsPerSec ?? 0)} positions/s`}>
        {fmt(s?.positionsPerSec ?? 0)} positions/s
      </span>
      <span className="figure" title={`${fmt(s?.devices ?? 0)} devices`}>
        {fmt(s?.devices ?? 0)} devices
      </span>
      <span className="figure" title={`${fmt(cells)} cells at H3 resolution ${resolution}`}>
        {fmt(cells)} cells
      </span>
      {/* Said only when there is something to look at: the Quarantine view holds each one. */}
      {s?.ingest && s.ingest.quarantined > 0 && (
        <span className="figure" title="redeliveries skipped / messages quarantined">
          {fmt(s.ingest.quarantined)} quarantined
        </span>
      )}
      {queue && (
        <button
          className={`pill queue-${queue.health.toLowerCase()}`}
          data-testid="queue-health"
          title={`${queue.detail ?? 'deliveries: pending / dead-lettered'} — open the Deliveries panel`}
          onClick={() => setUi({ panel: 'deliveries' })}
        >
          queue {queue.health} · {queue.words}
        </button>
      )}
      {s?.market && (
        <button
          className={`pill market-${s.market.surging > 0 ? 'surging' : 'calm'}`}
          data-testid="market-status"
          title={`market: ${fmt(s.market.cells)} cells with supply or demand, ${fmt(s.market.eventsPerSec)} events/s; demand ${s.market.demand}${s.market.detail ? ` (${s.market.detail})` : ''} — open its figures`}
          onClick={() => setUi((u) => ({ panel: 'heatmap', metric: u.metric === 'surge' ? u.metric : 'surge' }))}
        >
          market · {fmt(s.market.surging)} surging
        </button>
      )}
      {s?.archiveCopy && <ArchiveCopyPill copy={s.archiveCopy} />}
      <FleetPill />
      <span className={`link link-${connection.state}`}>engine {link}</span>
    </footer>
  );
}

/** The archive's copies to a bucket: how many, how many wait, and the store's refusal while it lasts (its settings a click away). */
function ArchiveCopyPill({ copy }: { copy: NonNullable<Status['archiveCopy']> }) {
  const words = copy.error ? 'copies failing' : copy.pending > 0 ? `${fmt(copy.pending)} to copy` : `${fmt(copy.copied)} parts copied`;
  return (
    <button
      className={`pill archive-${copy.error ? 'failing' : 'ok'}`}
      data-testid="archive-copy-status"
      title={`${copy.error ?? `archive parts copied to ${copy.target}`} — open Connections`}
      onClick={() => openConnections()}
    >
      S3 · {words}
    </button>
  );
}

/** The way back to the settings of a connection that dropped. */
function ReconnectButton({ what }: { what: string }) {
  return (
    <button className="pill fix" onClick={() => openConnections()} title={`Check ${what}'s settings, test them and connect again`}>
      Connections…
    </button>
  );
}

/** With partitions, how many this engine owns (the server pins each to one engine of the fleet); the list in its tooltip. */
function PartitionsPill({ owned, total }: { owned: number[]; total: number }) {
  const others = total - owned.length;
  const title =
    owned.length === 0
      ? `none of the ${total} partitions is pinned to this engine yet`
      : `partition${owned.length > 1 ? 's' : ''} ${owned.join(', ')} pinned to this engine${others > 0 ? `; the other ${others} to other engines of the fleet` : ''}`;
  return (
    <span className={`pill partitions${owned.length > 0 ? ' owning' : ''}`} data-testid="partitions" title={title}>
      this engine {owned.length} of {total} partitions
    </span>
  );
}

/**
 * A detail cut to what its 40ch can show: a flex item whose text is longer than its max-width is held at that
 * width while the figures beside it give way, whatever its flex-shrink says. The tooltip keeps it whole.
 */
function clipped(text: string, max = 36): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
