// First: these schemas are built as this module loads, which may be before main.tsx's own import of it (in a chunk shared with the test hooks' drivers).
import '../zod-jitless';
import { z } from 'zod';
import { persistFields } from '../app/preferences';
import { createStore, type Store } from '../app/store';

/** What the analyst set for one layer; absent fields are the defaults (shown, opaque). */
export interface LayerSetting {
  visible?: boolean;
  opacity?: number;
}

/** The analyst's say over the map's layers, by composer id: shown or hidden, opacity, and their order (bottom first; empty: the slots' order). */
export interface LayerStates {
  layers: Record<string, LayerSetting>;
  layerOrder: string[];
}

export type LayerStateStore = Store<LayerStates>;

export const newLayerStates = (): LayerStateStore => createStore<LayerStates>({ layers: {}, layerOrder: [] });

/** The map's layer settings, kept across reloads and starts (`map.layers`, `map.layerOrder` in preferences.json). */
export const layerStates = newLayerStates();

persistFields(layerStates, 'map', {
  layers: z.record(z.string().max(200), z.object({ visible: z.boolean().optional(), opacity: z.number().min(0).max(1).optional() }).strict()),
  layerOrder: z.array(z.string().max(200)).max(200),
});

/** `id`'s setting with `patch` applied; a setting back at its default is dropped, so the file keeps only choices. */
export function withSetting(states: LayerStates, id: string, patch: LayerSetting): LayerStates {
  const next: LayerSetting = { ...states.layers[id], ...patch };
  if (next.visible !== false) delete next.visible;
  if (next.opacity === undefined || next.opacity >= 1) delete next.opacity;
  const layers = { ...states.layers };
  if (Object.keys(next).length) layers[id] = next;
  else delete layers[id];
  return { ...states, layers };
}
