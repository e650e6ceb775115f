import { setUi } from '../../app/ui-store';
import { count } from './fleet-figures';
import { useFleetFigures } from './use-fleet';

/** The fleet in the status bar, the same figures as the Fleet view's: live engines, owned partitions, how far behind; amber when something is wrong; opens the view. */
export function FleetPill() {
  const { figures } = useFleetFigures();
  if (!figures) return null;
  const { words, tone, problems, backlog } = figures.summary;
  const owned = figures.tiles.filter((t) => t.kind === 'owned' || t.kind === 'contested').length;
  const partitions = figures.tiles.length
    ? `${owned} of ${figures.tiles.length} partitions owned in the fleet, backlog ${count(backlog)}`
    : `backlog ${count(backlog)}`;
  const state = [partitions, ...problems].join('; ');
  return (
    <button
      className={`pill fleet-${tone}`}
      data-testid="fleet-status"
      title={`${state} — open the Fleet view (Shift+F)`}
      onClick={() => setUi({ panel: 'fleet' })}
    >
      {words}
    </button>
  );
}
