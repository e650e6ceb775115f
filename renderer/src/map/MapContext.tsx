import type maplibregl from 'maplibre-gl';
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { LayerComposer } from './layer-composer';

export interface MapHandle {
  map: maplibregl.Map;
  composer: LayerComposer;
}

export const MapContext = createContext<MapHandle | null>(null);

/** The map and its layer composer, for a feature's map parts (inside <MapView>). */
export function useMapHandle(): MapHandle {
  const handle = useContext(MapContext);
  if (!handle) throw new Error('useMapHandle outside <MapView>');
  return handle;
}

// The same handle for panels beside the map (zoom to a fence, go to an event): null until the map exists.
let current: MapHandle | null = null;
const listeners = new Set<() => void>();

export function publishMap(handle: MapHandle | null): void {
  current = handle;
  for (const l of listeners) l();
}

/** The map for a panel beside it (outside <MapView>), or null while there is none. */
export function useMapBeside(): MapHandle | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}
