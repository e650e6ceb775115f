import { useChannelValue, useConnection, useRpc } from '../../engine';
import { useHeatmapStats } from '../heatmap';

const fmt = (n: number) => n.toLocaleString(undefined, { maximumFractionDigits: 0 });

/** Source and its state, throughput, devices, cells on screen, and the link to the engine. */
export function StatusBar() {
  const first = useRpc('engine.status', {});
  const s = useChannelValue('status') ?? first.data;
  const connection = useConnection();
  const { cells, resolution } = useHeatmapStats();
  const link = connection.state === 'open' ? 'connected' : connection.state === 'connecting' ? 'connecting…' : 'disconnected';
  return (
    <footer className="status-bar" data-testid="status-bar" role="status">
      <span className={`pill source-${s?.sourceState ?? 'starting'}`} title={s?.sourceDetail}>
        {s ? (s.source === 'nats' ? 'NATS' : 'simulator') : '…'} · {s?.sourceState ?? 'starting'}
      </span>
      {s?.sourceDetail && <span className="detail">{s.sourceDetail}</span>}
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
      <span className={`link link-${connection.state}`}>engine {link}</span>
    </footer>
  );
}
