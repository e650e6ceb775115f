import { z } from 'zod';

/**
 * The times a fix may carry, in epoch milliseconds: 1970-01-01 to 2200-01-01 (UTC). Every decoder checks
 * them, and so does everything that turns a time into a Date or a TIMESTAMP (JavaScript's Date ends at
 * ±8.64e15 ms, DuckDB's TIMESTAMP at year 294247), so no time can fail there.
 */
export const TS_MIN_MS = 0;
export const TS_MAX_MS = 7_258_118_400_000;

/** True when `ts` is a whole number of milliseconds within [TS_MIN_MS, TS_MAX_MS]. */
export function isFixTime(ts: unknown): ts is number {
  return typeof ts === 'number' && Number.isInteger(ts) && ts >= TS_MIN_MS && ts <= TS_MAX_MS;
}

/** One device fix, as published on `pos.<anything>`. */
export const PositionSchema = z.object({
  id: z.string().min(1, 'must not be empty').max(256),
  lat: z.number().finite().min(-90).max(90),
  lon: z.number().finite().min(-180).max(180),
  ts: z.number().int().min(TS_MIN_MS).max(TS_MAX_MS, 'must be before the year 2200'),
  h3_index: z
    .string()
    .regex(/^[0-9a-f]{15,16}$/i, 'must be an H3 cell in hex')
    .optional(),
  speed: z.number().finite().nonnegative().optional(),
  heading: z.number().finite().min(0).max(360).optional(),
  accuracy: z.number().finite().nonnegative().optional(),
  kind: z.string().max(64).optional(),
  props: z.record(z.string(), z.unknown()).optional(),
});
export type Position = z.infer<typeof PositionSchema>;
