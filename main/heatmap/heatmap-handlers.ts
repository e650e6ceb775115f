import type { Viewport } from '../../shared/rpc';
import { hexToCell } from '../../shared/h3-cell';
import { resolutionForZoom } from '../../shared/zoom';
import type { Config } from '../config';
import type { Handlers } from '../rpc';
import type { LiveAggregator } from './aggregator';
import { FrameStreams, type HeldFrame, type ViewTick } from './frame-streams';

/** A client of the heatmap: the view it looks at, where its frames go, the frame it was sent last. */
export interface HeatmapClient {
  viewport?: Viewport;
  send(frame: ArrayBuffer): void;
  held?: HeldFrame;
}

/** The resolution a view gets: the one its client asked for (sized for its screen), else the zoom table (shared/zoom.ts); never finer than what is kept. */
function resolutionOf(viewport: Viewport, settings: Config['live']): number {
  return viewport.resolution !== undefined ? Math.min(viewport.resolution, settings.maxResolution) : resolutionForZoom(viewport.zoom, settings.maxResolution);
}

/** Another room's frames (the market's), for views that ask for them; undefined: the live window's. */
export type FrameLayer = (viewport: Viewport, resolution: number, now: number) => ArrayBuffer | undefined;

/** The frame of one view: the cells at the view's resolution inside its bounds, over the live window (or its layer's). */
function frameFor(live: LiveAggregator, settings: Config['live'], viewport: Viewport, now: number, layer?: FrameLayer): ArrayBuffer {
  const other = viewport.layer && viewport.layer !== 'live' ? layer?.(viewport, resolutionOf(viewport, settings), now) : undefined;
  if (other) return other;
  return live.buildFrame({
    resolution: resolutionOf(viewport, settings),
    bounds: viewport.bounds,
    now,
    maxCells: settings.maxFrameCells,
    smoothing: viewport.smoothing ?? 0,
  });
}

/** `heatmap.viewport` (a client says what it looks at), `heatmap.snapshot` (one frame now), `heatmap.extent` (where the data is). */
export function heatmapHandlers<C extends HeatmapClient>(
  live: LiveAggregator,
  settings: Config['live'],
  clock: () => number,
  layer?: FrameLayer,
): Pick<Handlers<C>, 'heatmap.viewport' | 'heatmap.snapshot' | 'heatmap.extent' | 'heatmap.cell' | 'heatmap.devices' | 'heatmap.track'> {
  return {
    'heatmap.viewport': (viewport, client) => {
      client.viewport = viewport;
      // A new view, a reconnect, or a client that lost track (it sends its view again): the next frame is whole.
      client.held = undefined;
      return { resolution: resolutionOf(viewport, settings), frameIntervalMs: settings.frameIntervalMs };
    },
    'heatmap.snapshot': (viewport, client) => {
      // The client may draw this instead of the frame a delta would follow: the next one it gets is whole.
      client.held = undefined;
      return frameFor(live, settings, viewport, clock(), layer);
    },
    'heatmap.cell': ({ hex }) => {
      const cell = [0, 0];
      hexToCell(hex.toLowerCase(), cell);
      return { hex: hex.toLowerCase(), ...live.cellSeries(cell[0], cell[1], clock()) };
    },
    'heatmap.devices': ({ prefix, limit }) => live.devices(prefix, limit),
    'heatmap.track': ({ id }) => {
      const points = live.track(id, clock());
      return points ? { id, points } : null;
    },
    'heatmap.extent': () => {
      const box = live.extent(clock());
      return box ? { west: box[0], south: box[1], east: box[2], north: box[3] } : null;
    },
  };
}

/**
 * Every `live.frameIntervalMs`: old buckets evicted, and each client its view's frame (clients looking at
 * the same view share one) — as a delta from the frame it holds when it holds the view's last (frame-streams.ts).
 */
export function startFrames(
  live: LiveAggregator,
  settings: Config['live'],
  clock: () => number,
  clients: () => Iterable<HeatmapClient>,
  layer?: FrameLayer,
  streams = new FrameStreams(),
): () => void {
  const timer = setInterval(() => {
    const now = clock();
    live.evict(now);
    const built = new Map<string, ViewTick>();
    for (const client of clients()) {
      if (!client.viewport) continue;
      const key = JSON.stringify(client.viewport);
      let tick = built.get(key);
      if (!tick) built.set(key, (tick = streams.next(key, frameFor(live, settings, client.viewport, now, layer))));
      const { buffer, held } = streams.choose(tick, client.held, now);
      client.held = held;
      client.send(buffer);
    }
    streams.keepOnly(new Set(built.keys()));
  }, settings.frameIntervalMs);
  return () => clearInterval(timer);
}
