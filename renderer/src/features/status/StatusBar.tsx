import { useChannelValue, useConnection, useRpc } from '../../engine';
import { setUi } from '../../app/ui-store';
import { DemoPill } from '../demo';
import { useHeatmapStats } from '../heatmap';

const fmt = (n: number) => n.toLocaleString(undefined, { maximumFractionDigits: 0 });

/** Source and its state, throughput, devices, cells on screen, and the link to the engine. */
export function StatusBar() {
  const first = useRpc('status.get', {});
  const s = useChannelValue('status.changed') ?? first.data;
  const connection = useConnection();
  const { cells, resolution } = useHeatmapStats();
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
      {s?.queue && (
        <span
          className={`pill queue-${s.queue.health.toLowerCase()}`}
          data-testid="queue-health"
          title={s.queue.detail ?? 'deliveries: pending / dead-lettered'}
        >
          queue {s.queue.health} · {fmt(s.queue.pending)} pending · {fmt(s.queue.dlq)} DLQ
        </span>
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
