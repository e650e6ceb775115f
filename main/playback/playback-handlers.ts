import type { Handlers } from '../rpc';
import type { PlaybackFrameRequest } from './playback-frame';

/** Where playback's frames are built: the notebook thread, which holds the archive's views. */
export interface PlaybackSource {
  range(): Promise<{ from: number; to: number; positions: number } | null>;
  frame(request: PlaybackFrameRequest): Promise<ArrayBuffer>;
}

/** Playback's methods; `source` starts the notebook thread on first use, or rejects saying why it could not. */
export function playbackHandlers<C>(source: () => Promise<PlaybackSource>): Pick<Handlers<C>, 'playback.range' | 'playback.frame'> {
  return {
    'playback.range': async () => (await source()).range(),
    'playback.frame': async (request) => (await source()).frame(request),
  };
}
