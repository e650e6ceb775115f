import type { Layer } from '@deck.gl/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { drawOrder, LayerComposer, mergeOrder } from './layer-composer';
import { newLayerStates, type LayerStateStore } from './layer-state';

/** A stand-in for a deck.gl layer: its id, its opacity, and clone() as deck.gl's (props merged into a new layer). */
const layer = (id: string, opacity = 1): Layer => ({ id, props: { opacity }, clone: (p: { opacity: number }) => layer(id, p.opacity) }) as unknown as Layer;

let drawn: { id: string; opacity: number }[];
let state: LayerStateStore;
let composer: LayerComposer;
const ids = () => drawn.map((l) => l.id);

beforeEach(() => {
  drawn = [];
  state = newLayerStates();
  const overlay = { setProps: (p: { layers: Layer[] }) => (drawn = p.layers.map((l) => ({ id: l.id, opacity: l.props.opacity as number }))) };
  composer = new LayerComposer(overlay, state);
});

describe('the order of the map’s layers', () => {
  it('draws slot by slot, bottom first, and a slot’s contributions in the order they came', () => {
    composer.handle('heatmap', { onClick: () => {} });
    composer.set('places', 'basemap-labels', [layer('places-names')]);
    composer.set('notebook-a', 'results', [layer('notebook-a-hexes')]);
    composer.set('fences', 'fences', [layer('fences-areas'), layer('fences-names')]);
    composer.set('follow', 'selection', [layer('follow-path')]);
    composer.set('heatmap', 'heat', [layer('heatmap')]);
    composer.set('notebook-b', 'results', [layer('notebook-b-points')]);
    composer.set('bench', 'fences', [layer('bench-areas')]);
    expect(ids()).toEqual(['heatmap', 'notebook-a-hexes', 'notebook-b-points', 'fences-areas', 'fences-names', 'bench-areas', 'follow-path', 'places-names']);
    composer.set('fences', 'fences', []);
    expect(ids()).toEqual(['heatmap', 'notebook-a-hexes', 'notebook-b-points', 'bench-areas', 'follow-path', 'places-names']);
  });

  it('follows the analyst’s order; a layer not yet placed goes under the first placed one of a higher slot; the basemap stays at the bottom', () => {
    const s = (id: string, slot: 'basemap' | 'heat' | 'fences' | 'results' | 'basemap-labels', seq: number) => ({ id, slot, seq });
    const sources = [s('basemap', 'basemap', 0), s('heatmap', 'heat', 1), s('fences', 'fences', 2), s('places', 'basemap-labels', 3), s('r1', 'results', 4)];
    // A result lies under the fences: their outlines stay readable over its cells.
    expect(drawOrder(sources, []).map((x) => x.id)).toEqual(['basemap', 'heatmap', 'r1', 'fences', 'places']);
    // The heat moved to the top, the basemap named above the fences: the new result lands under the fences.
    expect(drawOrder(sources, ['fences', 'basemap', 'places', 'heatmap']).map((x) => x.id)).toEqual(['basemap', 'r1', 'fences', 'places', 'heatmap']);
  });

  it('keeps a saved layer’s place while it is not drawn', () => {
    expect(mergeOrder(['heat', 'r1', 'fences', 'places'], ['fences', 'heat', 'places'])).toEqual(['fences', 'heat', 'r1', 'places']);
    expect(mergeOrder(['r0', 'heat'], ['heat'])).toEqual(['r0', 'heat']);
  });
});

describe('the analyst’s settings', () => {
  beforeEach(() => {
    composer.set('basemap', 'basemap', [], { name: 'Basemap', kind: 'basemap' });
    composer.set('heatmap', 'heat', [layer('heatmap')], { name: 'Live heatmap', kind: 'heat' });
    composer.set('notebook-a', 'results', [layer('notebook-a-hexes', 0.8)], { name: 'Cell 1 result', kind: 'result', remove: () => {} });
    composer.set('places', 'basemap-labels', [layer('places-names')], { name: 'Place names', kind: 'labels' });
  });

  it('lists the named layers top first, each with its settings', () => {
    expect(composer.rows().map((r) => [r.name, r.visible, r.opacity, Boolean(r.remove)])).toEqual([
      ['Place names', true, 1, false],
      ['Cell 1 result', true, 1, true],
      ['Live heatmap', true, 1, false],
      ['Basemap', true, 1, false],
    ]);
    // Unchanged, the list is the same array (React re-renders only on a change).
    composer.set('heatmap', 'heat', [layer('heatmap')], { name: 'Live heatmap', kind: 'heat' });
    expect(composer.rows()).toBe(composer.rows());
  });

  it('hides a layer, scales its own opacity, and moves it up and down', () => {
    let heard = 0;
    composer.subscribe(() => heard++);
    composer.setVisible('heatmap', false);
    expect(ids()).toEqual(['notebook-a-hexes', 'places-names']);
    composer.setOpacity('notebook-a', 0.5);
    expect(drawn.find((l) => l.id === 'notebook-a-hexes')!.opacity).toBeCloseTo(0.4);
    composer.setVisible('heatmap', true);
    composer.move('heatmap', 1);
    expect(ids()).toEqual(['notebook-a-hexes', 'heatmap', 'places-names']);
    composer.move('places', -5);
    expect(ids()).toEqual(['places-names', 'notebook-a-hexes', 'heatmap']);
    // The basemap is not moved, nor is anything moved under it.
    expect(composer.rows().at(-1)!.name).toBe('Basemap');
    expect(heard).toBe(5);
    // Settings back at their defaults are not kept.
    composer.setOpacity('notebook-a', 1);
    expect(state.get().layers).toEqual({});
  });

  it('drops a removed layer’s row and layers', () => {
    composer.remove('notebook-a');
    expect(ids()).toEqual(['heatmap', 'places-names']);
    expect(composer.rows().map((r) => r.name)).toEqual(['Place names', 'Live heatmap', 'Basemap']);
  });
});
