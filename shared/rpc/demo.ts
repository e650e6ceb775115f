/** The demo: the history the simulator's walkers leave behind on a new data dir, and its fences, marked as demo and removable. */
import { z } from 'zod';

export const DemoStatusSchema = z.object({
  /** The stretch of history it covers (epoch ms): everything in it is the demo's. */
  from: z.number(),
  to: z.number(),
  state: z.enum(['writing', 'ready', 'clearing']),
  /** The demo fences as made (ids): those still unedited go with it. */
  fences: z.array(z.string()),
  /** While it is written: how far, 0–1. */
  progress: z.number().optional(),
  /** Why writing or clearing it stopped (the next start tries again). */
  error: z.string().optional(),
});
export type DemoStatus = z.infer<typeof DemoStatusSchema>;

export const demoMethods = {
  /**
   * Removes the demo: its positions before its end (hot and archived), its fence events and market minutes,
   * and its fences that nobody edited. Real data — NATS's, the live simulator's after the demo's end, a
   * fence edited or made since — is never touched.
   */
  'demo.clear': {
    params: z.object({}).strict(),
    result: z.object({ positions: z.number(), fencesRemoved: z.number(), fencesKept: z.number() }),
    invalidates: ['status.get', 'fences.list', 'fences.status', 'history.counts', 'playback.range'],
  },
} as const;
