import type { Layer } from '@deck.gl/core';
import type { MapboxOverlay } from '@deck.gl/mapbox';
import { expect, it } from 'vitest';
import { LayerComposer } from './layer-composer';

const layer = (id: string) => ({ id }) as unknown as Layer;

it('draws slot by slot, bottom first, and a slot’s contributions in the order they came', () => {
  let drawn: string[] = [];
  const overlay = { setProps: (p: { layers: Layer[] }) => (drawn = p.layers.map((l) => l.id)) } as unknown as MapboxOverlay;
  const composer = new LayerComposer(overlay);
  composer.handle('heatmap', { onClick: () => {} });
  composer.set('places', 'basemap-labels', [layer('places-names')]);
  composer.set('notebook-a', 'results', [layer('notebook-a-hexes')]);
  composer.set('fences', 'fences', [layer('fences-areas'), layer('fences-names')]);
  composer.set('follow', 'selection', [layer('follow-path')]);
  composer.set('heatmap', 'heat', [layer('heatmap')]);
  composer.set('notebook-b', 'results', [layer('notebook-b-points')]);
  composer.set('bench', 'fences', [layer('bench-areas')]);
  expect(drawn).toEqual(['heatmap', 'fences-areas', 'fences-names', 'bench-areas', 'notebook-a-hexes', 'notebook-b-points', 'follow-path', 'places-names']);
  composer.set('fences', 'fences', []);
  expect(drawn).toEqual(['heatmap', 'bench-areas', 'notebook-a-hexes', 'notebook-b-points', 'follow-path', 'places-names']);
});
