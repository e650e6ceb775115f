import { MapboxOverlay } from '@deck.gl/mapbox';
import maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { offlineStyle } from './basemap';
import { LayerComposer } from './layer-composer';
import { MapContext, type MapHandle } from './MapContext';

// The simulator's default area (8 km around Times Square).
export const HOME = { center: [-73.9851, 40.7589] as [number, number], zoom: 11 };

/** The map in the workbench's centre: MapLibre's offline basemap, deck.gl above it, and the features' map parts as children. */
export function MapView({ theme, children }: { theme: 'dark' | 'light'; children: ReactNode }) {
  const div = useRef<HTMLDivElement>(null);
  const [handle, setHandle] = useState<MapHandle | null>(null);

  useEffect(() => {
    const map = new maplibregl.Map({
      container: div.current!,
      style: offlineStyle(theme),
      center: HOME.center,
      zoom: HOME.zoom,
      attributionControl: { customAttribution: 'Natural Earth' },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    // The overlay's handlers need the composer, which needs the overlay.
    const late: { composer?: LayerComposer } = {};
    const overlay = new MapboxOverlay({
      interleaved: false,
      layers: [],
      onHover: (info) => late.composer?.hover(info),
      onClick: (info) => late.composer?.click(info),
    });
    map.addControl(overlay);
    const composer = (late.composer = new LayerComposer(overlay));
    // A tooltip must not outlive the view it described.
    map.on('movestart', () => composer.leave());
    setHandle({ map, composer });
    return () => {
      setHandle(null);
      map.remove();
    };
    // The theme's first value only: later changes restyle the map below without rebuilding it.
  }, []);

  useEffect(() => {
    handle?.map.setStyle(offlineStyle(theme));
  }, [handle, theme]);

  return (
    <div className="map-wrap">
      <div ref={div} className="map" data-testid="map" role="application" aria-label="Map" />
      {handle && <MapContext.Provider value={handle}>{children}</MapContext.Provider>}
    </div>
  );
}
