import '@fontsource/noto-sans/400.css';
import { TextLayer } from '@deck.gl/layers';
import { useEffect } from 'react';
import { exposeForTests } from '../../app/test-hooks';
import { useEngine } from '../../engine';
import { glyphsFor, useMapHandle } from '../../map';
import { placeLabels, type Box, type PlacedLabel } from './label-placement';

const LABEL_LAYERS = 'places';

const FONT = '"Noto Sans", sans-serif';
const COLOURS = {
  dark: { text: [214, 222, 235, 235], halo: [11, 19, 34, 255] },
  light: { text: [38, 42, 50, 255], halo: [255, 255, 255, 235] },
} as const;

/**
 * Place names over the map, the largest places that fit the view without overlapping, in a bundled font
 * (Noto Sans, served with the workstation). Asked of the engine when the map stops moving: like heatmap
 * frames, they belong to one view and are not cached.
 */
export function PlaceLabels({ theme }: { theme: 'dark' | 'light' }) {
  const { map, composer } = useMapHandle();
  const { client } = useEngine();

  useEffect(() => {
    let latest = 0;
    const update = async () => {
      const asked = ++latest;
      const b = map.getBounds();
      const bounds = { west: b.getWest(), south: Math.max(-90, b.getSouth()), east: b.getEast(), north: Math.min(90, b.getNorth()) };
      let places;
      try {
        places = await client.call('basemap.places', { bounds, limit: 600 });
        // The canvas that draws the glyphs needs the font's files for these names' scripts first.
        await document.fonts.load(`64px ${FONT}`, places.map((p) => p.name).join(''));
      } catch {
        return; // No names this time (engine away): the map itself is unaffected; the next move asks again.
      }
      if (asked !== latest) return;
      const frame = map.getContainer().getBoundingClientRect();
      // Panels and controls floating over the map (legend, basemap button, zoom buttons) hide what is under them.
      const covered = [...(map.getContainer().parentElement?.querySelectorAll('[data-map-overlay], .maplibregl-ctrl') ?? [])].map((el): Box => {
        const r = el.getBoundingClientRect();
        return [r.left - frame.left, r.top - frame.top, r.right - frame.left, r.bottom - frame.top];
      });
      const placed = placeLabels(places, (lon, lat) => map.project([lon, lat]), frame, covered);
      const c = COLOURS[theme];
      exposeForTests({ places: () => placed.map((l) => l.place.name) });
      composer.set(
        LABEL_LAYERS,
        'basemap-labels',
        [
          new TextLayer<PlacedLabel>({
            id: `${LABEL_LAYERS}-names`,
            data: placed,
            getText: (d) => d.place.name,
            getPosition: (d) => [d.place.lon, d.place.lat],
            getSize: (d) => d.size,
            sizeUnits: 'pixels',
            getColor: [...c.text],
            fontFamily: FONT,
            characterSet: glyphsFor(placed.map((l) => l.place.name)),
            fontSettings: { sdf: true, fontSize: 64, buffer: 8 },
            outlineWidth: 4,
            outlineColor: [...c.halo],
            getTextAnchor: 'middle',
            getAlignmentBaseline: 'center',
          }),
        ],
        { name: 'Place names', kind: 'labels' },
      );
    };
    void update();
    map.on('moveend', update);
    return () => {
      latest++;
      map.off('moveend', update);
      composer.remove(LABEL_LAYERS);
    };
  }, [map, composer, client, theme]);

  return null;
}
