import { useChannelValue, useConnection, useRpc } from '../../engine';
import { setUi } from '../../app/ui-store';
import { countsOf, useQueueFigures } from '../deliveries';
import { DemoPill } from '../demo';
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
  const link = connection.state === 'open' ? 'connected' : connection.state === 'connecting' ? 'connecting…' : 'disconnected';
  return (
    <footer className="status-bar" data-testid="status-bar" role="status">
      <span className={`pill source-${s?.sourceState ?? 'starting'}`} title={s?.sourceDetail}>
        {s ? (s.source === 'nats' ? 'NATS' : 'simulator') : '…'} · {s?.sourceState ?? 'starting'}
      </span>
      {s?.sourceDetail && <span className="detail">{s.sourceDetail}</span>}
      <DemoPill demo={s?.demo} />
      <span>{fmt(s?.positionsPerSec ?? 0)} positions/s</span>
      <span>{fmt(s?.devices ?? 0)} devices</span>
      <span>
        {fmt(cells)} cells (res {resolution})
      </span>
      {s?.ingest && <span title="redeliveries skipped / messages quarantined">{fmt(s.ingest.quarantined)} quarantined</span>}
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
      <span className={`link link-${connection.state}`}>engine {link}</span>
    </footer>
  );
}
