import { z } from 'zod';
import { ringSelfIntersection, type LonLat as Position } from './ring-check';

const Lon = z.number().finite().min(-180, 'longitude below -180').max(180, 'longitude above 180');
const Lat = z.number().finite().min(-90, 'latitude below -90').max(90, 'latitude above 90');
const LonLat = z.tuple([Lon, Lat]);

const fmt = (p: Position) => `[${p[0]}, ${p[1]}]`;

const Ring = z
  .array(LonLat)
  .min(4, 'a ring needs at least 4 positions (3 corners and the first repeated at the end)')
  .superRefine((r, ctx) => {
    if (r.length < 4) return;
    const first = r[0];
    const last = r[r.length - 1];
    if (first[0] !== last[0] || first[1] !== last[1]) {
      ctx.addIssue({ code: 'custom', message: `ring is not closed: it starts at ${fmt(first)} but ends at ${fmt(last)}` });
      return;
    }
    const hit = ringSelfIntersection(r);
    if (hit) ctx.addIssue({ code: 'custom', message: `ring intersects itself: edges ${hit.a + 1} and ${hit.b + 1} meet near ${fmt(hit.near)}` });
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
/** An axis-aligned box, [west, south, east, north]. */
export const RectangleSchema = z.object({
  type: z.literal('Rectangle'),
  bbox: z
    .tuple([Lon, Lat, Lon, Lat])
    .refine((b) => b[0] < b[2] && b[1] < b[3], { message: 'bbox must be [west, south, east, north] with west < east and south < north' }),
});
export const FenceGeometrySchema = z.discriminatedUnion('type', [PolygonSchema, MultiPolygonSchema, CircleSchema, RectangleSchema], {
  error: 'geometry type must be Polygon, MultiPolygon, Circle or Rectangle',
});
export type FenceGeometry = z.infer<typeof FenceGeometrySchema>;

export const DetectSchema = z.enum(['enter', 'exit', 'inside', 'outside', 'cross', 'dwell']);
export type Detect = z.infer<typeof DetectSchema>;

const FenceShape = {
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'letters, digits, _ . : - only, at most 128'),
  name: z.string().trim().min(1, 'give the fence a name').max(256, 'name is longer than 256 characters'),
  geometry: FenceGeometrySchema,
  detect: z.array(DetectSchema).min(1, 'detect list must not be empty: name at least one of enter, exit, inside, outside, cross, dwell'),
  dwell_s: z.number().int().positive('dwell_s must be greater than 0').optional(),
  targets: z.array(z.string()).default([]),
  enabled: z.boolean().default(true),
};
const dwellNeedsTime = (f: { detect: Detect[]; dwell_s?: number }) => !f.detect.includes('dwell') || f.dwell_s !== undefined;
const dwellIssue = { message: 'detect has dwell but no dwell_s: say how many seconds inside make a dwell', path: ['dwell_s'] };

/** A fence as the user writes it (a draft, an import, an RPC create). */
export const FenceInputSchema = z.object(FenceShape).refine(dwellNeedsTime, dwellIssue);
export type FenceInput = z.input<typeof FenceInputSchema>;

/** A stored fence: its version counts its edits. */
export const FenceSchema = z
  .object({
    ...FenceShape,
    version: z.number().int().nonnegative(),
    /** When it was last saved (epoch ms), where the registry lists it. */
    updated_at: z.number().optional(),
  })
  .refine(dwellNeedsTime, dwellIssue);
export type Fence = z.infer<typeof FenceSchema>;
