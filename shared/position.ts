import { z } from 'zod';

/** One device fix, as published on `pos.<anything>` (DESIGN.md, data contracts). */
export const PositionSchema = z.object({
  id: z.string().min(1, 'must not be empty').max(256),
  lat: z.number().finite().min(-90).max(90),
  lon: z.number().finite().min(-180).max(180),
  ts: z.number().int().nonnegative(),
  h3_index: z.string().regex(/^[0-9a-f]{15,16}$/i, 'must be an H3 cell in hex').optional(),
  speed: z.number().finite().nonnegative().optional(),
  heading: z.number().finite().min(0).max(360).optional(),
  accuracy: z.number().finite().nonnegative().optional(),
  kind: z.string().max(64).optional(),
  props: z.record(z.string(), z.unknown()).optional(),
});
export type Position = z.infer<typeof PositionSchema>;
