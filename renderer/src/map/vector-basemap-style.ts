import type { FilterSpecification, LayerSpecification } from 'maplibre-gl';
import { BASEMAP_COLOURS } from './basemap-colours';

type Paint = { kind: 'fill' | 'line'; colour: string; width?: number; dash?: number[] };

/** How a layer named by the archive is drawn, from its name alone (schemas agree on words, not ids), and its rank from the bottom. */
function paintFor(id: string, theme: 'dark' | 'light'): { rank: number; paints: Paint[] } {
  const c = BASEMAP_COLOURS[theme];
  const name = id.toLowerCase();
  if (/earth|^land$|continent/.test(name)) return { rank: 0, paints: [{ kind: 'fill', colour: c.land }] };
  if (/park|green|wood|forest|landcover|landuse|natural/.test(name)) return { rank: 1, paints: [{ kind: 'fill', colour: c.green }] };
  if (/water|ocean|lake|river|sea/.test(name))
    return {
      rank: 2,
      paints: [
        { kind: 'fill', colour: c.water },
        { kind: 'line', colour: c.water, width: 1 },
      ],
    };
  if (/building/.test(name)) return { rank: 3, paints: [{ kind: 'fill', colour: c.building }] };
  if (/road|transport|transit|highway|street|rail/.test(name)) return { rank: 4, paints: [{ kind: 'line', colour: c.road, width: 1 }] };
  if (/boundar|border|admin/.test(name)) return { rank: 5, paints: [{ kind: 'line', colour: c.borders, width: 0.8, dash: [2, 1] }] };
  return { rank: -1, paints: [] };
}

const isPolygon: FilterSpecification = ['==', ['geometry-type'], 'Polygon'];
const isLine: FilterSpecification = ['==', ['geometry-type'], 'LineString'];

/**
 * Layers for a vector archive of any schema, from the layer ids it lists: each drawn by what its name
 * says it holds, land at the bottom, then green, water, buildings, roads and borders; others left out.
 */
export function vectorBasemapLayers(ids: readonly string[], source: string, theme: 'dark' | 'light'): LayerSpecification[] {
  const layers: LayerSpecification[] = [];
  const ranked = ids.map((id) => ({ id, ...paintFor(id, theme) })).sort((a, b) => a.rank - b.rank);
  for (const { id, paints } of ranked) {
    for (const [i, p] of paints.entries()) {
      const base = { id: `${id}-${i}`, source, 'source-layer': id };
      layers.push(
        p.kind === 'fill'
          ? { ...base, type: 'fill', filter: isPolygon, paint: { 'fill-color': p.colour } }
          : {
              ...base,
              type: 'line',
              filter: isLine,
              paint: { 'line-color': p.colour, 'line-width': p.width ?? 1, ...(p.dash ? { 'line-dasharray': p.dash } : {}) },
            },
      );
    }
  }
  return layers;
}
