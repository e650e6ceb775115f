import { useRpc } from '../../engine';
import { Panel, Tabs } from '../../ui';
import { DeadLetters } from './DeadLetters';
import { deliveriesChoices, showTab, TABS } from './deliveries-panel-state';
import { Health } from './Health';
import { Quarantine } from '../quarantine';
import { Replay } from './Replay';
import { Targets } from './Targets';

const VIEWS = { 'Dead letters': DeadLetters, Targets, Health, Replay, Quarantine };

/** The delivery queue: dead letters to inspect, fix and requeue; targets; health over time; replay; what ingest refused. */
export function DeliveriesPanel() {
  const { tab } = deliveriesChoices.use();
  const { data: health } = useRpc('deliveries.health', {}, { refreshOn: ['status.changed', 'deliveries.changed'] });
  const View = VIEWS[tab];
  return (
    <Panel
      title="Deliveries"
      actions={
        health && (
          <span
            role="status"
            aria-label="Queue health"
            className={`badge tone-${health.status === 'Healthy' ? 'good' : health.status === 'Degraded' ? 'warn' : 'bad'}`}
            title={health.reasons.join('\n')}
          >
            {health.status} · {health.metrics.pending_count.toLocaleString()} pending · {health.metrics.dlq_count.toLocaleString()} DLQ
          </span>
        )
      }
    >
      <Tabs label="Deliveries" tabs={TABS} value={tab} onChange={showTab}>
        <View />
      </Tabs>
    </Panel>
  );
}
