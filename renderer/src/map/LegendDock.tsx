import { useSyncExternalStore } from 'react';
import { LegendView } from './LegendView';
import { legendDock, toggleLegends } from './legend-dock-state';
import type { LayerComposer } from './layer-composer';

/**
 * One dock of legends over the map's lower left, one per visible layer that has one, top layer first, each
 * titled with its layer; folded away to a single "Legends" button when the analyst wants the map.
 */
export function LegendDock({ composer }: { composer: LayerComposer }) {
  const rows = useSyncExternalStore(composer.subscribe, composer.rows);
  const { collapsed } = legendDock.use();
  const shown = rows.filter((r) => r.visible && r.opacity > 0 && r.legend);
  if (shown.length === 0) return null;
  return (
    <div className="legend-dock" data-map-overlay role="group" aria-label="Legends" data-collapsed={collapsed || undefined}>
      <button className="legend-dock-toggle" aria-expanded={!collapsed} aria-label={collapsed ? 'Show legends' : 'Hide legends'} onClick={toggleLegends}>
        {collapsed ? `Legends (${shown.length})` : 'Hide legends'}
      </button>
      {!collapsed &&
        shown.map((r) => (
          <figure key={r.id} className="legend" aria-label={`Legend: ${r.name}`}>
            <figcaption className="legend-title">{r.name}</figcaption>
            <LegendView spec={r.legend!} />
          </figure>
        ))}
    </div>
  );
}
