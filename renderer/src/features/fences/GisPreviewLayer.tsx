import { useEffect } from 'react';
import { GeoJsonLayer } from '@deck.gl/layers';
import { useMapHandle } from '../../map';
import { gisFocus, useGisImport } from './gis-import';

const PREVIEW_LAYERS = 'gis-preview';
type Rgb = readonly [number, number, number];
type Geometry = { type: string; coordinates: unknown };

/** The preview's colours: to import in a blue no heat colour or fence state uses, refused in red. */
export function previewColours(theme: 'dark' | 'light'): { fence: Rgb; refused: Rgb } {
  return theme === 'dark' ? { fence: [56, 189, 248], refused: [255, 90, 90] } : { fence: [3, 105, 161], refused: [200, 30, 30] };
}

/** West, south, east, north of GeoJSON geometries, or undefined when they have no position. */
function boundsOf(geometries: readonly Geometry[]): [number, number, number, number] | undefined {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number') {
      const [x, y] = c as number[];
      w = Math.min(w, x!);
      e = Math.max(e, x!);
      s = Math.min(s, y!);
      n = Math.max(n, y!);
    } else c.forEach(visit);
  };
  geometries.forEach((g) => visit(g.coordinates));
  return w <= e ? [w, s, e, n] : undefined;
}

/** The GIS file being previewed for import, on the map with its legend: the fences to import filled, refused features outlined in red. */
export function GisPreviewLayer({ theme }: { theme: 'dark' | 'light' }) {
  const { map, composer } = useMapHandle();
  const gis = useGisImport();
  const focus = gisFocus.use();

  useEffect(() => {
    if (!gis?.preview) return composer.remove(PREVIEW_LAYERS);
    const { fence, refused } = previewColours(theme);
    const features = [
      ...gis.fences.map((f) => ({ type: 'Feature', geometry: f.fence.geometry, properties: { refused: false } })),
      ...gis.refused.flatMap((r) => (r.geometry ? [{ type: 'Feature', geometry: r.geometry, properties: { refused: true } }] : [])),
    ];
    const colour = (f: { properties: { refused: boolean } }) => (f.properties.refused ? refused : fence);
    composer.set(
      PREVIEW_LAYERS,
      'fences',
      [
        new GeoJsonLayer({
          id: PREVIEW_LAYERS,
          data: { type: 'FeatureCollection', features } as never,
          filled: true,
          stroked: true,
          getFillColor: (f) => [...colour(f as never), (f as { properties: { refused: boolean } }).properties.refused ? 0 : 70],
          getLineColor: (f) => [...colour(f as never), 255],
          getLineWidth: 2,
          lineWidthUnits: 'pixels',
          pointRadiusUnits: 'pixels',
          getPointRadius: 5,
          updateTriggers: { getFillColor: theme, getLineColor: theme },
        }),
      ],
      {
        name: `Import preview: ${gis.title}`,
        kind: 'fences',
        legend: {
          subtitle: `${gis.preview.layer} · from ${gis.preview.crs ?? 'an unknown CRS'}`,
          swatches: [
            { label: `To import (${gis.fences.length})`, colour: [...fence, 200], mark: 'fill' },
            ...(gis.refused.length ? [{ label: `Refused (${gis.refused.length})`, colour: [...refused, 255] as const, mark: 'line' as const }] : []),
          ],
        },
      },
    );
  }, [composer, gis, theme]);

  // A new preview (a file, a layer, a CRS) is brought into view whole.
  const preview = gis?.preview;
  useEffect(() => {
    if (!preview) return;
    const box = boundsOf(preview.features.flatMap((f) => (f.geometry ? [f.geometry] : [])));
    // The legend dock sits at the map's bottom left: the preview is kept clear of it.
    if (box) map.fitBounds(box, { padding: { top: 80, right: 80, bottom: 80, left: 280 }, maxZoom: 16, duration: 600 });
  }, [map, preview]);

  // A refused feature clicked in the panel: flown to.
  useEffect(() => {
    const box = focus && boundsOf([focus.geometry]);
    if (box) map.fitBounds(box, { padding: 120, maxZoom: 17, duration: 600 });
  }, [map, focus]);

  useEffect(() => () => composer.remove(PREVIEW_LAYERS), [composer]);
  return null;
}
