import { Panel, Tabs } from '../../ui';
import { DeadLetters } from './DeadLetters';
import { deliveriesChoices, showTab, TABS } from './deliveries-panel-state';
import { countsOf, toneOf, useQueueFigures } from './queue-figures';
import { Health } from './Health';
import { Quarantine } from '../quarantine';
import { Replay } from './Replay';
import { Targets } from './Targets';

const VIEWS = { 'Dead letters': DeadLetters, Targets, Health, Replay, Quarantine };

/** The delivery queue: dead letters to inspect, fix and requeue; targets; health over time; replay; what ingest refused. */
export function DeliveriesPanel() {
  const { tab } = deliveriesChoices.use();
  const { figures, error } = useQueueFigures();
  const View = VIEWS[tab];
  return (
    <Panel
      title="Deliveries"
      actions={
        figures ? (
          <span role="status" aria-label="Queue health" className={`badge tone-${toneOf(figures.status)}`} title={figures.reasons.join('\n')}>
            {figures.status} · {countsOf(figures)}
          </span>
        ) : (
          error && (
            <span role="status" aria-label="Queue health" className="badge tone-bad" title={error.message}>
              Unavailable
            </span>
          )
        )
      }
    >
      <Tabs label="Deliveries" tabs={TABS} value={tab} onChange={showTab}>
        <View />
      </Tabs>
    </Panel>
  );
}
