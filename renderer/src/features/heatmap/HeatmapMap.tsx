import { useEffect, useRef, useState } from 'react';
import { registerCommands } from '../../app/commands';
import { getUi, setUi, useUi } from '../../app/ui-store';
import { useConnection, useEngine } from '../../engine';
import { HOME, useMapHandle } from '../../map';
import { HEATMAP_LAYERS, HeatmapController, type CellInfo, type LayerStats } from './heatmap-controller';
import { publishHeatmapStats, useHeatmapStats } from './heatmap-stats';
import { Legend } from './Legend';

/** What tests and benchmarks read and drive (see tests/e2e and bench/heatmap.ts). */
declare global {
  interface Window {
    __hexwatch?: { layer(): LayerStats; applyFrame(buffer: ArrayBuffer): number; applyBaseline(buffer: ArrayBuffer): number };
  }
}

/** The heatmap's part of the map: live frames for the view into its layer, the tooltip, the legend, its commands. */
export function HeatmapMap() {
  const { map, composer } = useMapHandle();
  const { client, onReopen } = useEngine();
  const connection = useConnection();
  const controller = useRef<HeatmapController | null>(null);
  const [hover, setHover] = useState<{ x: number; y: number; cell: CellInfo }>();
  const [error, setError] = useState<string>();
  const metric = useUi((s) => s.metric);
  const scale = useUi((s) => s.scale);
  const stats = useHeatmapStats();

  useEffect(() => {
    const c = new HeatmapController(composer, getUi().metric, getUi().scale);
    controller.current = c;
    const offStats = c.onStats(publishHeatmapStats);
    const offPointer = composer.handle(HEATMAP_LAYERS, {
      onHover: (info) => {
        const cell = info && info.index >= 0 ? c.cellAt(info.index) : undefined;
        setHover(cell && info ? { x: info.x, y: info.y, cell } : undefined);
      },
    });
    window.__hexwatch = { layer: () => c.stats, applyFrame: (b) => c.apply(b), applyBaseline: (b) => c.applyBaseline(b) };
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
    if (map.loaded()) sendViewport();
    map.on('load', sendViewport);
    map.on('moveend', sendViewport);
    const offs = [client.subscribe('heatmap.frame', (buffer) => c.apply(buffer)), onReopen(sendViewport)];
    const offCommands = registerCommands([
      {
        id: 'heatmap.metric',
        title: 'Heatmap: colour by unique devices / positions',
        group: 'Heatmap',
        shortcut: 'm',
        run: () => setUi((s) => ({ metric: s.metric === 'devices' ? 'positions' : 'devices' })),
      },
      {
        id: 'heatmap.scale',
        title: 'Heatmap: thermal / viridis colour scale',
        group: 'Heatmap',
        shortcut: 'c',
        run: () => setUi((s) => ({ scale: s.scale === 'thermal' ? 'viridis' : 'thermal' })),
      },
      {
        id: 'heatmap.fit',
        title: 'Heatmap: fit the map to the data',
        group: 'Heatmap',
        shortcut: '0',
        run: () => {
          const b = c.dataBounds();
          if (b)
            map.fitBounds(
              [
                [b[0], b[1]],
                [b[2], b[3]],
              ],
              { padding: 60, maxZoom: 14 },
            );
          else map.flyTo(HOME);
        },
      },
    ]);
    return () => {
      clearTimeout(timer);
      offStats();
      offPointer();
      offCommands();
      offs.forEach((off) => off());
      map.off('load', sendViewport);
      map.off('moveend', sendViewport);
      composer.set(HEATMAP_LAYERS, []);
    };
  }, [map, composer, client, onReopen]);

  useEffect(() => {
    controller.current?.setStyle(metric, scale);
  }, [metric, scale]);

  const windowS = Math.round(stats.windowMs / 1000) || 60;
  return (
    <>
      {stats.frames > 0 && stats.cells === 0 && (
        <div className="empty">
          No positions in view for the last {windowS} s — press <kbd>0</kbd> to fit the data.
        </div>
      )}
      {stats.frames === 0 && connection.state === 'open' && <div className="empty">Waiting for positions…</div>}
      {error && (
        <div className="banner" role="alert">
          {error}
        </div>
      )}
      {hover && (
        <div className="tooltip" style={{ left: hover.x + 12, top: hover.y + 12 }} data-testid="tooltip" role="tooltip">
          <div className="mono">{hover.cell.hex}</div>
          <div>H3 resolution {hover.cell.resolution}</div>
          <div>{hover.cell.devices.toLocaleString()} unique devices</div>
          <div>
            {hover.cell.positions.toLocaleString()} positions in {windowS} s
          </div>
        </div>
      )}
      <Legend scale={scale} metric={metric} max={stats.max} resolution={stats.resolution} windowS={windowS} />
    </>
  );
}
