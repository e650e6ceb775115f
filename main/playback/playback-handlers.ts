import type { JobsClient } from '../jobs';
import type { Handlers } from '../rpc';
import type { PlaybackFrameRequest } from './playback-frame';

/** Where playback's frames are built: the notebook process, which holds the archive's views. */
export interface PlaybackSource {
  range(): Promise<{ from: number; to: number; positions: number } | null>;
  /** `job.uid` names the frame in the notebook process; `job.signal` interrupts it. */
  frame(request: PlaybackFrameRequest, job: { uid: string; signal: AbortSignal }): Promise<ArrayBuffer>;
}

/** Playback's methods; `source` starts the notebook process on first use, or rejects saying why it could not. A frame runs as a job. */
export function playbackHandlers<C extends JobsClient>(source: () => Promise<PlaybackSource>): Pick<Handlers<C>, 'playback.range' | 'playback.frame'> {
  return {
    'playback.range': async () => (await source()).range(),
    'playback.frame': ({ jobId, ...request }, client) =>
      client.jobs.run({ method: 'playback.frame', id: jobId, what: 'playback frame' }, async (job) => (await source()).frame(request, job)),
  };
}
