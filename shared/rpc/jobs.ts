/**
 * Jobs: the long calls a client starts under an id of its choosing (a backtest, a replay, a notebook
 * query, a playback frame). Each job method takes an optional `jobId`; its progress comes on
 * `jobs.progress`, `jobs.cancel` stops it (the call then rejects with the `cancelled` code), and a
 * client's jobs stop when it goes.
 */
import { z } from 'zod';
import { JobIdSchema } from './contract';
import { ReplayFiguresSchema } from './deliveries';
import { BacktestFiguresSchema } from './fences';
import { QueryFiguresSchema } from './notebooks';

/** A job's progress, told apart by its method: the figures that method reports, under the job's id. */
export const JobProgressSchema = z.discriminatedUnion('method', [
  BacktestFiguresSchema.extend({ method: z.literal('fences.backtest'), jobId: z.string() }),
  ReplayFiguresSchema.extend({ method: z.literal('deliveries.replay'), jobId: z.string() }),
  QueryFiguresSchema.extend({ method: z.literal('notebooks.run'), jobId: z.string() }),
]);
export type JobProgress = z.infer<typeof JobProgressSchema>;

export const jobsMethods = {
  /** Stops a running job of this client; `cancelled` is false when none of that id runs. */
  'jobs.cancel': { params: z.object({ jobId: JobIdSchema }).strict(), result: z.object({ cancelled: z.boolean() }) },
} as const;

export const jobsChannels = {
  /** Progress of this client's running jobs, at most every 100 ms each, and the last before the job's answer. */
  'jobs.progress': JobProgressSchema,
} as const;
