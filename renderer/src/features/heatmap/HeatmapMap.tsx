import { MARKET_METRICS, type Viewport } from '../../../../shared/rpc';
import { surgeMultiplier } from '../../../../shared/surge';
import { useEffect, useRef, useState } from 'react';
import { cellToBoundary, cellToLatLng } from 'h3-js';
import { decodeFrame } from '../../../../shared/heatmap-frame';
import { resolutionForScreen } from '../../../../shared/zoom';
import { exposeForTests } from '../../app/test-hooks';
import { getUi, setUi, useUi } from '../../app/ui-store';
import { useChannel, useConnection, useEngine } from '../../engine';
import { BASEMAP_COLOURS, useMapHandle } from '../../map';
import { HEATMAP_LAYERS, HeatmapController } from './heatmap-controller';
import { CellFigures } from './CellFigures';
import { publishHeatmapStats, useHeatmapStats } from './heatmap-stats';
import { MarketCellCard } from '../market';
import { FollowDevice } from './FollowDevice';
import { PinnedCell } from './PinnedCell';
import { PinnedOutline } from './PinnedOutline';
import { Playback } from '../playback';

/** The heatmap's part of the map: live frames for the view into its layer (its legend goes with it), the tooltip, the pinned cell and the device followed. */
export function HeatmapMap() {
  const { map, composer } = useMapHandle();
  const { client, onReopen } = useEngine();
  const connection = useConnection();
  const controller = useRef<HeatmapController | null>(null);
  // The cell under the pointer: its figures are read from the frame drawn now, as the pinned card's are.
  const [hover, setHover] = useState<{ x: number; y: number; hex: string }>();
  const [error, setError] = useState<string>();
  const metric = useUi((s) => s.metric);
  const scale = useUi((s) => s.scale);
  const scaleMode = useUi((s) => s.scaleMode);
  const extruded = useUi((s) => s.extruded);
  const drawing = useUi((s) => s.drawing);
  const detail = useUi((s) => s.detail);
  const detailPreset = useUi((s) => s.detailPreset);
  const smoothing = useUi((s) => s.smoothing);
  const stats = useHeatmapStats();
  const selection = useUi((s) => s.selection);
  const playing = useUi((s) => s.playback !== null);
  const sendViewportRef = useRef<() => void>(() => {});

  useEffect(() => {
    const c = new HeatmapController(composer, getUi().metric, getUi().scale);
    c.setStyle(getUi().metric, getUi().scale, getUi().scaleMode, getUi().extruded);
    controller.current = c;
    const offStats = c.onStats(publishHeatmapStats);
    const offPointer = composer.handle(HEATMAP_LAYERS, {
      onHover: (info) => {
        const cell = info && info.index >= 0 && !getUi().drawing ? c.cellAt(info.index) : undefined;
        setHover(cell && info ? { x: info.x, y: info.y, hex: cell.hex } : undefined);
      },
      // A click pins the cell: its figures and its last minute stay on screen.
      onClick: (info) => {
        // While a fence is drawn, clicks are the drawing's.
        const cell = info.index >= 0 && !getUi().drawing ? c.cellAt(info.index) : undefined;
        if (cell) setUi({ selection: { kind: 'cell', hex: cell.hex } });
      },
    });
    exposeForTests({
      layer: () => ({ ...c.stats, extruded: c.extruded }),
      applyFrame: (b) => c.apply(b),
      drawnCells: () => c.drawnCells(),
      applyBaseline: (b) => c.applyBaseline(b),
      view: () => ({ zoom: map.getZoom(), lat: map.getCenter().lat, lon: map.getCenter().lng, pitch: map.getPitch(), moving: map.isMoving(), requested }),
      cellPoint: () => {
        const { width, height } = map.getContainer().getBoundingClientRect();
        for (const hex of c.sampleHexes(400)) {
          const [lat, lon] = cellToLatLng(hex);
          const p = map.project([lon, lat]);
          if (p.x > 40 && p.y > 40 && p.x < width - 300 && p.y < height - 160) return { x: p.x, y: p.y, hex };
        }
        return undefined;
      },
      quietCellPoints: (n) => {
        const { width, height } = map.getContainer().getBoundingClientRect();
        const out: { x: number; y: number; hex: string; value: number }[] = [];
        for (const { hex, value } of c.quietestHexes()) {
          const [lat, lon] = cellToLatLng(hex);
          const p = map.project([lon, lat]);
          if (p.x > 40 && p.y > 40 && p.x < width - 300 && p.y < height - 160) out.push({ x: p.x, y: p.y, hex, value });
          if (out.length >= n) break;
        }
        return out;
      },
      basemapColours: () => BASEMAP_COLOURS[getUi().theme],
      layerIds: () => composer.layerIds(),
      cellColour: (hex) => c.colourOf(hex),
      hexWidthsPx: (n) =>
        c.sampleHexes(n).map((hex) => {
          const points = cellToBoundary(hex, true).map(([lon, lat]) => map.project([lon, lat]));
          let widest = 0;
          for (const a of points) for (const b of points) widest = Math.max(widest, Math.hypot(a.x - b.x, a.y - b.y));
          return widest;
        }),
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** The resolution the engine said it frames the last view at (tests wait for frames of it). */
    let requested: { resolution: number; zoom: number; viewport: Viewport } | undefined;
    let asked = 0;
    const sendViewport = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const b = map.getBounds();
        const zoom = map.getZoom();
        const ui = getUi();
        // Cells sized for the screen (about 30 px across), moved by the detail setting; or the zoom table (shared/zoom.ts).
        const resolution = ui.detailPreset === 'screen' ? resolutionForScreen(map.getZoom(), map.getCenter().lat, 15, ui.detail) : undefined;
        const viewport: Viewport = {
          bounds: { west: b.getWest(), south: Math.max(-90, b.getSouth()), east: b.getEast(), north: Math.min(90, b.getNorth()) },
          zoom: map.getZoom(),
          ...(resolution === undefined ? {} : { resolution }),
          ...(ui.smoothing > 0 ? { smoothing: ui.smoothing } : {}),
          ...(MARKET_METRICS.includes(ui.metric) ? { layer: 'market' as const } : {}),
        };
        const mine = ++asked;
        client
          .call('heatmap.viewport', viewport)
          .then((reply) => {
            if (mine !== asked) return;
            // Frames from here on are of this view (the reply comes before them on the one connection).
            c.viewChanged(viewport.smoothing ?? 0);
            requested = { resolution: reply.resolution, zoom, viewport };
            setError(undefined);
            // The new view's frame at once, rather than at the frame timer's next tick: no heat clipped to the old view meanwhile.
            client.call('heatmap.snapshot', viewport).then(
              (frame) => mine === asked && !getUi().playback && decodeFrame(frame).windowEnd >= c.windowEnd && c.apply(frame),
              () => undefined, // the timer's next frame comes all the same
            );
          })
          .catch((err: Error) => setError(`The engine refused the view: ${err.message}`));
      }, 150);
    };
    sendViewportRef.current = sendViewport;
    if (map.loaded()) sendViewport();
    map.on('load', sendViewport);
    map.on('moveend', sendViewport);
    // While the archive plays back, its frames are drawn instead of the live ones.
    // A delta that does not follow the frame drawn (one lost on the way, or the view changed meanwhile): the view sent again brings a full frame.
    const offs = [client.subscribe('heatmap.frame', (buffer) => getUi().playback || c.apply(buffer)), onReopen(sendViewport), c.onLostTrack(sendViewport)];
    return () => {
      clearTimeout(timer);
      offStats();
      offPointer();
      offs.forEach((off) => off());
      map.off('load', sendViewport);
      map.off('moveend', sendViewport);
      composer.set(HEATMAP_LAYERS, 'heat', []);
    };
  }, [map, composer, client, onReopen]);

  useEffect(() => {
    controller.current?.setStyle(metric, scale, scaleMode, extruded);
  }, [metric, scale, scaleMode, extruded]);

  useEffect(() => controller.current?.setPlayback(playing), [playing]);

  // In a fleet this engine's map holds its partitions' devices only: the legend says so.
  // A listener, not state: status comes every second and the controller ignores a share that did not change.
  useChannel('status.changed', (s) => {
    const p = s.ingest?.partitions;
    controller.current?.setShare(p?.total ? { owned: p.owned.length, total: p.total } : undefined);
  });

  // While a fence is drawn or edited the heat steps back, so the drawing under it shows.
  useEffect(() => controller.current?.setDimmed(drawing !== null), [drawing]);

  // Tilted when the columns stand, flat when they do not.
  useEffect(() => {
    map.easeTo({ pitch: extruded ? 50 : 0, duration: 600 });
  }, [map, extruded]);

  // A new cell size or smoothing is a new view for the engine, and so is a switch between live and market frames.
  const layer = MARKET_METRICS.includes(metric) ? 'market' : 'live';
  useEffect(() => sendViewportRef.current(), [detail, detailPreset, smoothing, layer]);

  const windowS = Math.round(stats.windowMs / 1000) || 60;
  const hovered = hover && controller.current?.cellOf(hover.hex);
  const smoothed = controller.current?.smoothing ?? 0;
  return (
    <>
      {stats.frames > 0 && stats.cells === 0 && (
        <div className="empty">
          {layer === 'market' ? (
            <>
              No supply or demand in view — press <kbd>0</kbd> to fit the data.
            </>
          ) : (
            <>
              No positions in view for the last {windowS} s — press <kbd>0</kbd> to fit the data.
            </>
          )}
        </div>
      )}
      {stats.frames === 0 && connection.state === 'open' && <div className="empty">Waiting for positions…</div>}
      {error && (
        <div className="banner" role="alert">
          {error}
        </div>
      )}
      {hovered && hover && (
        <div className="tooltip" style={{ left: hover.x + 12, top: hover.y + 12 }} data-testid="tooltip" role="tooltip">
          <div className="mono">{hovered.hex}</div>
          <div>H3 resolution {hovered.resolution}</div>
          {layer === 'market' ? (
            <>
              <div>
                supply {hovered.positions.toLocaleString()} · demand {hovered.devices.toLocaleString()}
              </div>
              <div>surge ×{surgeMultiplier(hovered.positions, hovered.devices).toFixed(2)}</div>
            </>
          ) : (
            <CellFigures cell={hovered} windowS={windowS} />
          )}
        </div>
      )}
      <Playback onFrame={(buffer) => controller.current?.apply(buffer)} />
      {selection?.kind === 'cell' && <PinnedOutline hex={selection.hex} name={layer === 'market' ? 'Market cell' : 'Pinned cell'} />}
      {selection?.kind === 'cell' &&
        (layer === 'market' ? (
          <MarketCellCard hex={selection.hex} />
        ) : (
          <PinnedCell
            hex={selection.hex}
            now={controller.current?.cellOf(selection.hex)}
            windowS={windowS}
            frameResolution={stats.resolution}
            smoothing={smoothed}
          />
        ))}
      {selection?.kind === 'device' && <FollowDevice id={selection.id} />}
    </>
  );
}
