import { MapboxOverlay } from '@deck.gl/mapbox';
import maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, useState } from 'react';
import type { ColorScaleName } from '../../shared/color-scale';
import type { HeatmapMetric, RpcClient, Status } from '../../shared/rpc';
import { HeatmapController, type CellInfo, type LayerStats } from './heatmap/heatmap-controller';
import { Legend } from './heatmap/Legend';
import { offlineStyle } from './map/basemap';
import type { ConnectionState } from './rpc';
import { StatusBar } from './status/StatusBar';

export interface EngineLink {
  client: RpcClient;
  onState(listener: (s: ConnectionState) => void): () => void;
  onReopen(listener: () => void): () => void;
}

// The simulator's default area (8 km around Times Square) with the land around it, at H3 resolution 6.
const HOME = { center: [-73.9851, 40.7589] as [number, number], zoom: 11 };

/** What tests and benchmarks read and drive (see tests/e2e and bench/heatmap.ts). */
declare global {
  interface Window {
    __hexwatch?: { layer(): LayerStats; applyFrame(buffer: ArrayBuffer): number; applyBaseline(buffer: ArrayBuffer): number };
  }
}

export function App({ engine }: { engine: EngineLink }) {
  const mapDiv = useRef<HTMLDivElement>(null);
  const controllerRef = useRef<HeatmapController | null>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const [status, setStatus] = useState<Status>();
  const [connection, setConnection] = useState<ConnectionState>({ state: 'connecting' });
  const [stats, setStats] = useState<LayerStats>({ cells: 0, resolution: 0, frames: 0, lastApplyMs: 0, max: 0, windowMs: 0 });
  const [metric, setMetric] = useState<HeatmapMetric>('devices');
  const [scale, setScale] = useState<ColorScaleName>('thermal');
  const [hover, setHover] = useState<{ x: number; y: number; cell: CellInfo }>();
  const [help, setHelp] = useState(false);
  const [error, setError] = useState<string>();
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    const map = new maplibregl.Map({
      container: mapDiv.current!,
      style: offlineStyle(),
      center: HOME.center,
      zoom: HOME.zoom,
      attributionControl: { customAttribution: 'Natural Earth' },
    });
    mapRef.current = map;
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    const overlay = new MapboxOverlay({
      interleaved: false,
      layers: [],
      onHover: (info) => {
        const cell = info.index >= 0 ? controllerRef.current?.cellAt(info.index) : undefined;
        setHover(cell ? { x: info.x, y: info.y, cell } : undefined);
      },
    });
    map.addControl(overlay);
    const controller = new HeatmapController(overlay);
    controllerRef.current = controller;
    const offStats = controller.onStats(setStats);
    window.__hexwatch = { layer: () => controller.stats, applyFrame: (b) => controller.apply(b), applyBaseline: (b) => controller.applyBaseline(b) };

    const { client } = engine;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sendViewport = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const b = map.getBounds();
        client
          .call('heatmap.viewport', {
            bounds: { west: b.getWest(), south: Math.max(-90, b.getSouth()), east: b.getEast(), north: Math.min(90, b.getNorth()) },
            zoom: map.getZoom(),
          })
          .then(() => setError(undefined))
          .catch((err: Error) => setError(`The engine refused the view: ${err.message}`));
      }, 150);
    };
    map.on('load', sendViewport);
    map.on('moveend', sendViewport);
    const offs = [
      client.subscribe('heatmap.frame', (buffer) => controller.apply(buffer)),
      client.subscribe('status', setStatus),
      engine.onState(setConnection),
      engine.onReopen(sendViewport),
    ];
    client.call('engine.status', {}).then(setStatus, () => {});
    const tick = setInterval(() => setNow(Date.now()), 500);
    return () => {
      offStats();
      offs.forEach((off) => off());
      clearInterval(tick);
      map.remove();
    };
  }, [engine]);

  useEffect(() => {
    controllerRef.current?.setStyle(metric, scale);
  }, [metric, scale]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'm') setMetric((m) => (m === 'devices' ? 'positions' : 'devices'));
      else if (e.key === 'c') setScale((s) => (s === 'thermal' ? 'viridis' : 'thermal'));
      else if (e.key === '?') setHelp((h) => !h);
      else if (e.key === 'Escape') setHelp(false);
      else if (e.key === '0') {
        const b = controllerRef.current?.dataBounds();
        if (b)
          mapRef.current?.fitBounds(
            [
              [b[0], b[1]],
              [b[2], b[3]],
            ],
            { padding: 60, maxZoom: 14 },
          );
        else mapRef.current?.flyTo(HOME);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const windowS = Math.round(stats.windowMs / 1000) || status?.windowS || 60;
  return (
    <div className="app">
      <header className="toolbar">
        <span className="brand">⬢ hexwatch</span>
        <button onClick={() => setMetric(metric === 'devices' ? 'positions' : 'devices')} title="m">
          colour by: {metric === 'devices' ? 'unique devices' : 'positions'}
        </button>
        <button onClick={() => setScale(scale === 'thermal' ? 'viridis' : 'thermal')} title="c">
          scale: {scale}
        </button>
        <button onClick={() => setHelp(!help)} title="?">
          shortcuts
        </button>
      </header>
      <main className="map-wrap">
        <div ref={mapDiv} className="map" data-testid="map" />
        {stats.frames > 0 && stats.cells === 0 && (
          <div className="empty">
            No positions in view for the last {windowS} s — press <kbd>0</kbd> to fit the data.
          </div>
        )}
        {stats.frames === 0 && connection.state === 'open' && <div className="empty">Waiting for positions…</div>}
        {connection.state === 'closed' && (
          <div className="banner" role="alert">
            Lost the connection to the engine ({connection.reason}); reconnecting in {Math.max(0, Math.ceil((connection.retryAt - now) / 1000))} s…
          </div>
        )}
        {error && (
          <div className="banner" role="alert">
            {error}
          </div>
        )}
        {hover && (
          <div className="tooltip" style={{ left: hover.x + 12, top: hover.y + 12 }} data-testid="tooltip">
            <div className="mono">{hover.cell.hex}</div>
            <div>H3 resolution {hover.cell.resolution}</div>
            <div>{hover.cell.devices.toLocaleString()} unique devices</div>
            <div>
              {hover.cell.positions.toLocaleString()} positions in {windowS} s
            </div>
          </div>
        )}
        <Legend scale={scale} metric={metric} max={stats.max} resolution={stats.resolution} windowS={windowS} />
        {help && (
          <div className="help" role="dialog" aria-label="keyboard shortcuts">
            <h3>Keyboard shortcuts</h3>
            <dl>
              <dt>
                <kbd>m</kbd>
              </dt>
              <dd>colour by unique devices / positions</dd>
              <dt>
                <kbd>c</kbd>
              </dt>
              <dd>thermal / viridis colour scale</dd>
              <dt>
                <kbd>0</kbd>
              </dt>
              <dd>fit the map to the data</dd>
              <dt>
                <kbd>?</kbd>
              </dt>
              <dd>show or hide this help</dd>
            </dl>
          </div>
        )}
      </main>
      <StatusBar status={status} connection={connection} cells={stats.cells} resolution={stats.resolution} />
    </div>
  );
}
