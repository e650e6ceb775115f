import { useRpc } from '../../engine';
import { EmptyState, Panel } from '../../ui';

/** The delivery queue at a glance; its dead letters, targets and replay will be worked here. */
export function DeliveriesPanel() {
  const { data: health, error } = useRpc('queue.health', {}, { refreshOn: ['status'] });
  const { data: targets } = useRpc('targets.list', {});
  return (
    <Panel title="Deliveries">
      {error && <p role="alert">{error.message}</p>}
      {health && (
        <dl className="figures">
          <dt>Health</dt>
          <dd>{health.status}</dd>
          <dt>Pending</dt>
          <dd>{health.metrics.pending_count.toLocaleString()}</dd>
          <dt>Dead letters</dt>
          <dd>{health.metrics.dlq_count.toLocaleString()}</dd>
          <dt>Success, last hour</dt>
          <dd>{health.metrics.success_rate_percent}%</dd>
        </dl>
      )}
      {health && health.reasons.length > 0 && (
        <ul className="reasons">
          {health.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {targets && targets.filter((t) => t.kind !== 'feed').length === 0 && (
        <EmptyState title="No delivery targets">
          Webhooks and NATS subjects that receive fence events will be managed here, with the dead-letter queue to inspect, fix and requeue.
        </EmptyState>
      )}
    </Panel>
  );
}
