import { MapboxOverlay } from '@deck.gl/mapbox';
import maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { exposeForTests } from '../app/test-hooks';
import { offlineStyle } from './basemap';
import { styleFor, type Basemap } from './basemap-style';
import { LayerComposer } from './layer-composer';
import { LayersControl } from './LayersControl';
import { LegendDock } from './LegendDock';
import { layersOpen } from './map-commands';
import { MapContext, publishMap, type MapHandle } from './MapContext';

const BASEMAP_LAYER = 'basemap';

// The simulator's default area (8 km around Times Square).
export const HOME = { center: [-73.9851, 40.7589] as [number, number], zoom: 11 };

/** The map in the workbench's centre: MapLibre's basemap (offline unless the analyst opens another), deck.gl above it, and the features' map parts as children. */
export function MapView({ theme, basemap, children }: { theme: 'dark' | 'light'; basemap: Basemap; children: ReactNode }) {
  const div = useRef<HTMLDivElement>(null);
  const [handle, setHandle] = useState<MapHandle | null>(null);
  const [basemapError, setBasemapError] = useState<string>();
  const layersShown = layersOpen.use();

  useEffect(() => {
    const map = new maplibregl.Map({
      container: div.current!,
      style: offlineStyle(theme),
      center: HOME.center,
      zoom: HOME.zoom,
      attributionControl: { customAttribution: 'Natural Earth · GeoNames' },
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
    // The basemap is MapLibre's canvas under deck.gl's: listed at the bottom, its opacity the canvas's (hidden, it still takes the drag).
    composer.set(BASEMAP_LAYER, 'basemap', [], { name: 'Basemap', kind: 'basemap' });
    const fadeBasemap = () => {
      const { visible, opacity } = composer.setting(BASEMAP_LAYER);
      map.getCanvas().style.opacity = String(visible ? opacity : 0);
    };
    fadeBasemap();
    const offBasemap = composer.subscribe(fadeBasemap);
    exposeForTests({ layerRows: () => composer.rows().map(({ id, name, kind, visible, opacity }) => ({ id, name, kind, visible, opacity })) });
    const handle = { map, composer };
    setHandle(handle);
    publishMap(handle);
    return () => {
      offBasemap();
      composer.dispose();
      publishMap(null);
      setHandle(null);
      map.remove();
    };
    // The theme's first value only: later changes restyle the map below without rebuilding it.
  }, []);

  // The style the map was made with: set again at once, it would be loaded twice (and everything on it restarted).
  const made = useRef({ theme, basemap });
  useEffect(() => {
    if (!handle) return;
    const { map } = handle;
    if (made.current.theme === theme && made.current.basemap === basemap) return;
    made.current = { theme, basemap };
    let current = true;
    setBasemapError(undefined);
    // A style URL that fails (offline, refused by the CSP, not a style) says so instead of leaving a blank map.
    const onError = (e: { error?: Error }) => {
      if (current && basemap.kind === 'style' && !map.isStyleLoaded())
        setBasemapError(`The style at ${basemap.url} did not load: ${e.error?.message ?? 'unknown error'}`);
    };
    map.on('error', onError);
    styleFor(basemap, theme).then(
      (style) => current && map.setStyle(style),
      (err: unknown) => current && setBasemapError((err as Error).message),
    );
    return () => {
      current = false;
      map.off('error', onError);
    };
  }, [handle, theme, basemap]);

  return (
    <div className="map-wrap" data-layers-open={layersShown || undefined}>
      <div ref={div} className="map" data-testid="map" role="application" aria-label="Map" />
      {basemapError && (
        <div className="map-error" role="alert">
          {basemapError}
        </div>
      )}
      {handle && (
        <MapContext.Provider value={handle}>
          {children}
          <LayersControl composer={handle.composer} />
          <LegendDock composer={handle.composer} />
        </MapContext.Provider>
      )}
    </div>
  );
}
