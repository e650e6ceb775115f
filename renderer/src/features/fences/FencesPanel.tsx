import { useRpc } from '../../engine';
import { EmptyState, Panel } from '../../ui';

/** The fences the engine holds, and (next) drawing, checking and deploying them on the map. */
export function FencesPanel() {
  const { data: fences, error } = useRpc('fences.list', {});
  const { data: status } = useRpc('fences.status', {}, { refreshOn: ['status'] });
  return (
    <Panel title="Fences">
      {error && <p role="alert">{error.message}</p>}
      {status && (
        <p className="muted">
          Decided by {status.engine === 'tile38' ? `Tile38 (${status.connection ?? 'connecting'})` : 'the embedded engine'} · {status.fences} enabled
        </p>
      )}
      {fences && fences.length > 0 ? (
        <ul className="list" aria-label="Fences">
          {fences.map((f) => (
            <li key={f.id}>
              <span className="list-title">{f.name}</span>
              <span className="muted">
                {f.geometry.type} · {f.detect.join(', ')} · v{f.version}
                {f.enabled ? '' : ' · disabled'}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <EmptyState title="No fences yet">
          Drawing a fence on the map, checking it against the history and deploying it will come here. Until then, fences can be imported as GeoJSON through the
          engine's <code>fences.import</code> method.
        </EmptyState>
      )}
    </Panel>
  );
}
