/** Jobs: the long calls a client starts under an id of its own, with throttled progress, cancel through an AbortSignal, and an end when the client goes. */
export { ClientJobs, PROGRESS_MS, type FiguresOf, type Job, type JobSpec } from './client-jobs';
export { jobsHandlers, type JobsClient } from './jobs-handlers';
