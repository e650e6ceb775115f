import { z } from 'zod';
import { TS_MAX_MS, TS_MIN_MS } from './position';

/** A request for a ride or a delivery, as published on `demand.<anything>`: one unit of demand where it stands. */
export const DemandEventSchema = z
  .object({
    id: z.string().min(1, 'must not be empty').max(256),
    lat: z.number().finite().min(-90).max(90),
    lon: z.number().finite().min(-180).max(180),
    ts: z.number().int().min(TS_MIN_MS).max(TS_MAX_MS, 'must be before the year 2200'),
    /** What is asked for (a vehicle type): demand is also counted per kind. */
    kind: z.string().min(1).max(64).optional(),
  })
  .strip();
export type DemandEvent = z.infer<typeof DemandEventSchema>;
