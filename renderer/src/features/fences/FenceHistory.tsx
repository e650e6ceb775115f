import { useRpc } from '../../engine';
import { setDraft, type Draft } from './fence-draft';

/**
 * (Inside the fence form: its buttons are type="button", or they would submit it.)
 *
 * A saved fence's versions while it is edited: show one as a ghost on the map, or restore it into the
 * draft (saving it then makes it the newest version, so nothing is lost).
 */
export function FenceHistory({ draft }: { draft: Draft }) {
  const { data, error } = useRpc('fences.get', { id: draft.id! });
  if (error) return <p role="alert">{error.message}</p>;
  const versions = [...(data?.history ?? [])].sort((a, b) => b.version - a.version);
  if (versions.length < 2) return null;
  return (
    <section role="region" aria-label="Versions" className="fence-history">
      <h3>Versions</h3>
      <ul className="list">
        {versions.map((v) => (
          <li key={v.version} aria-label={`Version ${v.version}`}>
            <span>
              v{v.version} <span className="muted">{new Date(v.at).toLocaleString()}</span>
              {v.version === data?.fence.version && <span className="muted"> · current</span>}
            </span>
            {v.fence && v.version !== data?.fence.version && (
              <span className="row-actions">
                <button
                  type="button"
                  aria-pressed={draft.ghost === v.fence.geometry}
                  onClick={() => setDraft((d) => ({ ghost: d.ghost === v.fence!.geometry ? undefined : v.fence!.geometry }))}
                >
                  Show
                </button>
                <button
                  type="button"
                  onClick={() =>
                    setDraft((d) => ({
                      name: v.fence!.name,
                      detect: v.fence!.detect,
                      dwell_s: v.fence!.dwell_s,
                      targets: v.fence!.targets,
                      geometry: v.fence!.geometry,
                      ghost: undefined,
                      reload: (d.reload ?? 0) + 1,
                    }))
                  }
                >
                  Restore this version
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
