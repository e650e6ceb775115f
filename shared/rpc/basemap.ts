/** The basemap's contract: populated places to label, from the gazetteer bundled with the engine. */
import { z } from 'zod';
import { BoundsSchema } from './contract';

export const PlaceSchema = z.object({ name: z.string(), lon: z.number(), lat: z.number(), population: z.number() });
export type Place = z.infer<typeof PlaceSchema>;

export const basemapMethods = {
  /** The most populous places inside `bounds`, largest first (GeoNames places of 1,000 people or more). */
  'basemap.places': {
    params: z.object({ bounds: BoundsSchema, limit: z.number().int().min(1).max(2000).default(400) }).strict(),
    result: z.array(PlaceSchema),
  },
} as const;
