import { z } from 'zod';

const Lon = z.number().finite().min(-180, 'longitude below -180').max(180, 'longitude above 180');
const Lat = z.number().finite().min(-90, 'latitude below -90').max(90, 'latitude above 90');
const LonLat = z.tuple([Lon, Lat]);

const Ring = z
  .array(LonLat)
  .min(4, 'a ring needs at least 4 positions')
  .refine((r) => r.length < 4 || (r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1]), {
    message: 'ring is not closed: the last position must equal the first',
  });

export const PolygonSchema = z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) });
export const MultiPolygonSchema = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(Ring).min(1)).min(1),
});
export const CircleSchema = z.object({
  type: z.literal('Circle'),
  center: LonLat,
  radius_m: z.number().finite().positive('radius must be greater than 0'),
});
export const FenceGeometrySchema = z.discriminatedUnion('type', [PolygonSchema, MultiPolygonSchema, CircleSchema]);
export type FenceGeometry = z.infer<typeof FenceGeometrySchema>;

export const DetectSchema = z.enum(['enter', 'exit', 'inside', 'outside', 'cross', 'dwell']);
export type Detect = z.infer<typeof DetectSchema>;

export const FenceSchema = z.object({
  id: z.string().min(1).max(128),
  name: z.string().min(1).max(256),
  geometry: FenceGeometrySchema,
  detect: z.array(DetectSchema).min(1, 'detect list must not be empty'),
  dwell_s: z.number().int().positive().optional(),
  targets: z.array(z.string()),
  enabled: z.boolean(),
  version: z.number().int().nonnegative(),
});
export type Fence = z.infer<typeof FenceSchema>;
