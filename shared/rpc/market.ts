/** The market's contract: supply, demand and surge per cell, their history, and the processing figures. */
import { z } from 'zod';
import { BoundsSchema, HexSchema } from './contract';

export const MarketFiguresSchema = z.object({
  supply: z.number(),
  demand: z.number(),
  surge: z.number(),
  /** Supply per unit of demand (demand floored at 1). */
  ratio: z.number(),
});

export const MarketCellSchema = MarketFiguresSchema.extend({ hex: HexSchema, lat: z.number(), lon: z.number() });
export type MarketCell = z.infer<typeof MarketCellSchema>;

export const MarketMetricsSchema = z.object({
  /** Positions counted as supply and requests counted as demand, since the engine started. */
  events_processed: z.number(),
  /** Of both, over the last few seconds. */
  events_per_second: z.number(),
  /** Event time → counted, over the requests of the last few seconds (ms). */
  average_latency_ms: z.number(),
  /** Requests quarantined per request read (0–1). */
  error_rate: z.number(),
  memory_usage_mb: z.number(),
  cpu_usage_percent: z.number(),
  /** Requests the demand consumer has not delivered yet. */
  queue_depth: z.number(),
  cells: z.number(),
  surging: z.number(),
  demand_state: z.enum(['starting', 'running', 'reconnecting', 'error', 'stopped', 'simulated', 'off']),
  demand_detail: z.string().optional(),
});
export type MarketMetrics = z.infer<typeof MarketMetricsSchema>;

export const SurgeCrossingSchema = z.object({ hex: HexSchema, rising: z.boolean(), surge: z.number(), supply: z.number(), demand: z.number() });

export const marketMethods = {
  /** The surging cells first (every cell holding anything, up to `limit`), or only those inside `bounds`. */
  'market.cells': {
    params: z.object({ bounds: BoundsSchema.optional(), limit: z.number().int().min(1).max(10_000).default(100) }).strict(),
    result: z.object({ resolution: z.number(), tickS: z.number(), at: z.number(), threshold: z.number(), cells: z.array(MarketCellSchema) }),
  },
  /** One cell now (with its kinds) and over the last hour, a point a minute. */
  'market.cell': {
    params: z.object({ hex: HexSchema }).strict(),
    result: z.object({
      hex: z.string(),
      resolution: z.number(),
      now: MarketFiguresSchema.extend({ kinds: z.record(z.string(), MarketFiguresSchema) }),
      history: z.array(MarketFiguresSchema.extend({ at: z.number() })),
    }),
  },
  /** How the market's processing goes: the figures the status bar's detail and the engine's health show. */
  'market.metrics': { params: z.object({}).strict(), result: MarketMetricsSchema },
} as const;

export const marketChannels = {
  /** Cells whose surge crossed `market.surgeAlert` at the last tick, up or down. */
  'market.changed': z.object({ at: z.number(), threshold: z.number(), crossings: z.array(SurgeCrossingSchema) }),
} as const;
