import type { Handlers } from '../rpc';
import type { ClientJobs } from './client-jobs';

/** A client that runs jobs. */
export interface JobsClient {
  jobs: ClientJobs;
}

/** `jobs.cancel`: stops one of the calling client's jobs (never another client's: ids are per client). */
export function jobsHandlers<C extends JobsClient>(): Pick<Handlers<C>, 'jobs.cancel'> {
  return {
    'jobs.cancel': ({ jobId }, client) => ({ cancelled: client.jobs.cancel(jobId) }),
  };
}
