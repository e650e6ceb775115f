import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import { useEffect } from 'react';
import { setUi } from '../../app/ui-store';
import { useRpc } from '../../engine';
import { useMapHandle } from '../../map';

const FOLLOW_LAYERS = 'follow';

/** A device found by search: its track over the window as a path, where it is now, and the map following it. */
export function FollowDevice({ id }: { id: string }) {
  const { map, composer } = useMapHandle();
  // The status channel ticks every second: the track refreshes with it.
  const { data: track, error } = useRpc('heatmap.track', { id }, { refreshOn: ['status.changed'] });
  const points = track?.points ?? [];
  const last = points.at(-1);

  useEffect(() => {
    if (points.length === 0) return composer.set(FOLLOW_LAYERS, 'selection', []);
    const path = points.map((p) => [p.lon, p.lat] as [number, number]);
    composer.set(FOLLOW_LAYERS, 'selection', [
      new PathLayer({
        id: `${FOLLOW_LAYERS}-path`,
        data: [{ path }],
        getPath: (d: { path: [number, number][] }) => d.path,
        getColor: [255, 255, 255, 220],
        getWidth: 3,
        widthUnits: 'pixels',
        jointRounded: true,
        capRounded: true,
      }),
      new ScatterplotLayer({
        id: `${FOLLOW_LAYERS}-now`,
        data: [path.at(-1)!],
        getPosition: (d: [number, number]) => d,
        getRadius: 7,
        radiusUnits: 'pixels',
        getFillColor: [255, 122, 47, 255],
        getLineColor: [255, 255, 255, 255],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
      }),
    ]);
  }, [composer, track]);

  useEffect(() => {
    if (last) map.easeTo({ center: [last.lon, last.lat], duration: 500 });
  }, [map, last?.ts]);

  useEffect(() => () => composer.set(FOLLOW_LAYERS, 'selection', []), [composer]);

  return (
    <div className="chip" data-map-overlay role="status" aria-label="Following a device">
      {error ? `Cannot follow ${id}: ${error.message}` : track === null ? `${id} has not reported in the live window` : `Following ${id}`}
      {last && <span className="muted"> · last fix {new Date(last.ts).toLocaleTimeString()}</span>}
      <button onClick={() => setUi({ selection: null })}>Stop following</button>
    </div>
  );
}
