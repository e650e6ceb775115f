import type maplibregl from 'maplibre-gl';
import { createContext, useContext } from 'react';
import { createStore } from '../app/store';
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

// The same handle for panels beside the map (zoom to a fence, go to an event) and commands: null until the map exists.
const current = createStore<MapHandle | null>(null);

export const publishMap = current.set;

/** The map for a command or code outside React, or null while there is none. */
export const getMapHandle = current.get;

/** The map for a panel beside it (outside <MapView>), or null while there is none. */
export const useMapBeside = current.use;
