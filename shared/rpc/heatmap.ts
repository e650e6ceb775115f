/** The live heatmap: viewports and their frames, a cell, a device's track, where the data is. */
import { z } from 'zod';
import { Binary, BoundsSchema, HexSchema } from './contract';

/**
 * What a cell's colour counts: unique devices, positions, or positions per device (how busy each device is
 * there), over the live window; or the market's supply, demand, supply/demand ratio or surge multiplier.
 */
export const HeatmapMetricSchema = z.enum(['devices', 'positions', 'perDevice', 'supply', 'demand', 'ratio', 'surge']);
export type HeatmapMetric = z.infer<typeof HeatmapMetricSchema>;
/** The metrics whose frames come from the market (viewport layer 'market'). */
export const MARKET_METRICS: readonly HeatmapMetric[] = ['supply', 'demand', 'ratio', 'surge'];

export const ViewportSchema = z
  .object({
    bounds: BoundsSchema,
    zoom: z.number().finite().min(0).max(24),
    /** The H3 resolution the client wants (cells sized for its screen); absent: the zoom table in shared/zoom.ts. Capped at live.maxResolution. */
    resolution: z.number().int().min(0).max(15).optional(),
    /** k-ring smoothing, 0–3: each cell shows the total of its k-ring. */
    smoothing: z.number().int().min(0).max(3).optional(),
    /** What the frames count: the live window's positions and devices (default), or the market's supply (positions column) and demand (devices column). */
    layer: z.enum(['live', 'market']).optional(),
  })
  .strict();
export type Viewport = z.infer<typeof ViewportSchema>;

export const heatmapMethods = {
  /** Sets this client's viewport; frames for it then arrive on `heatmap.frame`. */
  'heatmap.viewport': {
    params: ViewportSchema,
    result: z.object({ resolution: z.number().int(), frameIntervalMs: z.number() }),
  },
  /** Where the live data is: the box of every cell with fixes in the window ("fit to data"); null when there is none. */
  'heatmap.extent': {
    params: z.object({}).strict(),
    result: z.object({ west: z.number(), south: z.number(), east: z.number(), north: z.number() }).nullable(),
  },
  /** One cell over the live window: fixes per time bucket (oldest first) and its unique devices now. */
  'heatmap.cell': {
    params: z.object({ hex: HexSchema }).strict(),
    result: z.object({ hex: z.string(), resolution: z.number(), bucketMs: z.number(), start: z.number(), positions: z.array(z.number()), devices: z.number() }),
  },
  /** Ids of devices seen in the live window that start with `prefix` (any case), sorted. */
  'heatmap.devices': {
    params: z.object({ prefix: z.string().max(256), limit: z.number().int().min(1).max(100).default(20) }).strict(),
    result: z.array(z.string()),
  },
  /** Where one device went in the live window (a point per cell it visited, then its latest fix); null when it is not in the window. */
  'heatmap.track': {
    params: z.object({ id: z.string().min(1).max(256) }).strict(),
    result: z.object({ id: z.string(), points: z.array(z.object({ ts: z.number(), lat: z.number(), lon: z.number() })) }).nullable(),
  },
  /** One heatmap frame for a viewport, now (binary, see heatmap-frame.ts). */
  'heatmap.snapshot': { params: ViewportSchema, result: Binary },
} as const;

export const heatmapChannels = {
  /** This client's heatmap frames (binary, see heatmap-frame.ts). */
  'heatmap.frame': Binary,
} as const;
