/** Playback: the archive's positions as heatmap frames at a moment, for the time bar. */
import { z } from 'zod';
import { Binary, JobIdSchema } from './contract';

export const playbackMethods = {
  /** The time range of `positions` (the archive and the hot rows), for the playback time bar; null when empty. */
  'playback.range': { params: z.object({}).strict(), result: z.object({ from: z.number(), to: z.number(), positions: z.number() }).nullable() },
  /**
   * The positions of [t − windowMs, t) (or all up to t: cumulative) in bounds at an H3 resolution, as a
   * heatmap frame in the live frames' codec (shared/heatmap-frame.ts). A job: with a `jobId`, `jobs.cancel`
   * stops it (playback asks for a newer frame, or leaves).
   */
  'playback.frame': {
    params: z
      .object({
        t: z.number(),
        windowMs: z
          .number()
          .int()
          .min(1000)
          .max(366 * 86_400_000),
        cumulative: z.boolean().default(false),
        resolution: z.number().int().min(0).max(15),
        bounds: z.object({
          west: z.number().min(-180).max(180),
          south: z.number().min(-90).max(90),
          east: z.number().min(-180).max(180),
          north: z.number().min(-90).max(90),
        }),
        jobId: JobIdSchema.optional(),
      })
      .strict(),
    result: Binary,
  },
} as const;
