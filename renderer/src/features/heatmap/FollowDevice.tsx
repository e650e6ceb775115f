import { ScatterplotLayer } from '@deck.gl/layers';
import { useEffect, useRef } from 'react';
import type { Rgba } from '../../../../shared/color-scale';
import { setUi, useUi } from '../../app/ui-store';
import { useRpc } from '../../engine';
import { outlineLayers, SELECTION_COLOURS, useMapHandle } from '../../map';

const FOLLOW_LAYERS = 'follow';
/** The track in the accent colour over the selection's halo: apart from the heat, the fences and the pinned cell's ink. */
const TRACK: Record<'dark' | 'light', Rgba> = { dark: [255, 122, 47, 255], light: [217, 86, 15, 255] };

/** A device found by search: its track over the window as a path over a halo, its fixes, where it is now, and the map zoomed to it and following it. */
export function FollowDevice({ id }: { id: string }) {
  const { map, composer } = useMapHandle();
  const theme = useUi((s) => s.theme);
  // The status channel ticks every second: the track refreshes with it.
  const { data: track, error } = useRpc('heatmap.track', { id }, { refreshOn: ['status.changed'] });
  const points = track?.points ?? [];
  const last = points.at(-1);
  const zoomed = useRef<string>(undefined);

  useEffect(() => {
    const path = points.map((p) => [p.lon, p.lat] as [number, number]);
    const { line, halo } = SELECTION_COLOURS[theme];
    // Nothing to draw (not in the window): no row either.
    if (path.length === 0) return composer.remove(FOLLOW_LAYERS);
    composer.set(
      FOLLOW_LAYERS,
      'selection',
      [
        ...outlineLayers(FOLLOW_LAYERS, [path], theme, { width: 4, colour: TRACK[theme] }),
        new ScatterplotLayer<[number, number]>({
          id: `${FOLLOW_LAYERS}-fixes`,
          data: path.slice(0, -1),
          getPosition: (d) => d,
          getRadius: 3,
          radiusUnits: 'pixels',
          getFillColor: [...halo],
          getLineColor: [...TRACK[theme]],
          stroked: true,
          lineWidthUnits: 'pixels',
          getLineWidth: 1.5,
        }),
        new ScatterplotLayer<[number, number]>({
          id: `${FOLLOW_LAYERS}-now`,
          data: [path.at(-1)!],
          getPosition: (d) => d,
          getRadius: 8,
          radiusUnits: 'pixels',
          getFillColor: [...TRACK[theme]],
          getLineColor: [...line],
          stroked: true,
          lineWidthUnits: 'pixels',
          getLineWidth: 2.5,
        }),
      ],
      {
        name: 'Followed device',
        kind: 'track',
        legend: {
          subtitle: id,
          swatches: [
            { label: `track, ${points.length.toLocaleString()} cells visited`, colour: TRACK[theme], mark: 'line' },
            { label: 'last fix', colour: TRACK[theme], mark: 'dot' },
          ],
        },
      },
    );
  }, [composer, track, theme, id]);

  // Zoomed to the track the first time it comes, then kept in view as it grows.
  useEffect(() => {
    if (!last) return;
    if (zoomed.current !== id) {
      zoomed.current = id;
      const lons = points.map((p) => p.lon);
      const lats = points.map((p) => p.lat);
      map.fitBounds(
        [
          [Math.min(...lons), Math.min(...lats)],
          [Math.max(...lons), Math.max(...lats)],
        ],
        { padding: 120, maxZoom: 16, duration: 700 },
      );
    } else if (!map.isMoving()) map.easeTo({ center: [last.lon, last.lat], duration: 500 }); // not over the zoom to it, nor over the analyst's drag
  }, [map, id, last?.ts]);

  useEffect(() => () => composer.remove(FOLLOW_LAYERS), [composer]);

  return (
    <div className="chip" data-map-overlay role="status" aria-label="Following a device">
      {error ? `Cannot follow ${id}: ${error.message}` : track === null ? `${id} has not reported in the live window` : `Following ${id}`}
      {last && <span className="muted"> · last fix {new Date(last.ts).toLocaleTimeString()}</span>}
      <button onClick={() => setUi({ selection: null })}>Stop following</button>
    </div>
  );
}
