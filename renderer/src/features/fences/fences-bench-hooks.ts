import { GeoJsonLayer } from '@deck.gl/layers';
import type maplibregl from 'maplibre-gl';
import type { Fence } from '../../../../shared/fence';
import type { TestHooks } from '../../../../shared/test-hooks';
import type { LayerComposer } from '../../map';
import { feedEntries, type FeedEntry } from './event-feed';
import { fenceLayers } from './fence-layers';
import { fencePolygons } from './fence-geometry';

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));

/** What bench/fences-ui.ts drives: fences drawn by our layers or a bare GeoJsonLayer, map frames while panning, events into the feed. */
export function fencesBenchHooks(
  map: maplibregl.Map,
  composer: LayerComposer,
  onEvent: (entry: FeedEntry) => void,
): Pick<TestHooks, 'benchDrawFences' | 'benchPan' | 'benchClear' | 'benchEvent' | 'benchFeedLength'> {
  return {
    async benchDrawFences(benchFences, bare) {
      const fences = benchFences as Fence[];
      const collection = {
        type: 'FeatureCollection' as const,
        features: fences.map((f) => ({
          type: 'Feature' as const,
          properties: { name: f.name },
          geometry: { type: 'MultiPolygon' as const, coordinates: fencePolygons(f.geometry) },
        })),
      };
      composer.set('bench', 'fences', []);
      await nextFrame();
      const t0 = performance.now();
      const layers = bare ? null : fenceLayers({ fences, theme: 'dark', id: 'bench' });
      composer.set(
        'bench',
        'fences',
        bare
          ? [
              new GeoJsonLayer({
                id: 'bench-bare',
                data: collection,
                filled: true,
                stroked: true,
                getFillColor: [255, 255, 255, 28],
                getLineColor: [255, 255, 255, 230],
                getLineWidth: 2.5,
                lineWidthUnits: 'pixels',
              }),
            ]
          : layers!,
      );
      await nextFrame();
      return performance.now() - t0;
    },
    async benchPan(ms) {
      const gaps: number[] = [];
      // essential: headless browsers may ask for reduced motion, which would make the glide a jump.
      map.panBy([400, 200], { duration: ms, easing: (t) => t, essential: true });
      let last = await nextFrame();
      const start = last;
      while (last - start < ms) {
        const t = await nextFrame();
        gaps.push(t - last);
        last = t;
      }
      map.panBy([-400, -200], { duration: 0 });
      return gaps;
    },
    benchClear: () => composer.set('bench', 'fences', []),
    benchEvent: (entry) => onEvent(entry as FeedEntry),
    benchFeedLength: () => feedEntries().length,
  };
}
