import type maplibregl from 'maplibre-gl';
import { createContext, useContext } from 'react';
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
