import type { ResultOf } from '../../../../shared/rpc';
import { setUi, useUi } from '../../app/ui-store';
import { useRpc } from '../../engine';
import { EmptyState, Panel } from '../../ui';
import { EventFeed } from './EventFeed';
import { EMPTY_DRAFT, getDraft, setDraft, useDraft } from './fence-draft';
import { FenceForm } from './FenceForm';
import { FenceLegend, FenceList } from './FenceList';
import { FenceTransfer } from './FenceTransfer';

const TOOLS = [
  { mode: 'polygon', label: 'Draw polygon', key: 'p' },
  { mode: 'rectangle', label: 'Draw rectangle', key: 'r' },
  { mode: 'circle', label: 'Draw circle', key: 'o' },
  { mode: 'freehand', label: 'Draw freehand', key: 'l' },
] as const;

/** Where a fleet's fences live and who deploys them to Tile38, in one line; or why they cannot be changed now. */
function fleetRegistryLine(status: ResultOf<'fences.status'>): string {
  const r = status.registry!;
  if (r.state === 'error') return `The fleet’s fence registry in NATS is unreachable${r.error ? ` — ${r.error}` : ''}. Fences can be read, not changed.`;
  if (r.state !== 'watching') return 'Connecting to the fleet’s fence registry in NATS…';
  if (status.engine !== 'tile38') return 'Shared with the fleet through NATS';
  return `Shared with the fleet through NATS · deployed to Tile38 by ${r.deploying ? 'this engine' : (r.deployer ?? 'another engine')}`;
}

/** Fences: draw one on the map and fill in its form, the saved fences, and their live events. */
export function FencesPanel() {
  const { data: fences, error } = useRpc('fences.list', {}, { refreshOn: ['fences.changed'] });
  const { data: status } = useRpc('fences.status', {}, { refreshOn: ['status.changed'] });
  const drawing = useUi((s) => s.drawing);
  const draft = useDraft();
  return (
    <Panel title="Fences">
      <div className="toolbar" role="toolbar" aria-label="Drawing tools">
        {TOOLS.map((t) => (
          <button
            key={t.mode}
            aria-pressed={drawing === t.mode}
            title={`${t.label} (${t.key})`}
            onClick={() => {
              setUi({ drawing: drawing === t.mode ? null : t.mode, selection: null });
              if (!getDraft()) setDraft({ ...EMPTY_DRAFT });
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <FenceTransfer />
      {error && <p role="alert">{error.message}</p>}
      {draft && <FenceForm draft={draft} />}
      {status && (
        <p className="muted">
          Decided by{' '}
          {status.engine === 'tile38' ? `Tile38 (${status.connection ?? 'connecting'}${status.error ? `: ${status.error}` : ''})` : 'the embedded engine'} ·{' '}
          {status.fences} enabled
        </p>
      )}
      {status?.registry?.kind === 'nats' && (
        <p className={status.registry.state === 'error' ? 'fleet-registry fleet-registry-error' : 'fleet-registry muted'} aria-label="Fleet registry">
          {fleetRegistryLine(status)}
        </p>
      )}
      {fences && fences.length > 0 ? (
        <>
          <FenceLegend />
          <FenceList fences={fences} />
        </>
      ) : (
        !draft && (
          <EmptyState title="No fences yet">
            Draw one on the map with the tools above: a polygon (click its corners, Enter to finish), a rectangle, a circle or a freehand lasso. Name it, choose
            what it detects and save: events start at once.
          </EmptyState>
        )
      )}
      <EventFeed fences={fences ?? []} />
    </Panel>
  );
}
