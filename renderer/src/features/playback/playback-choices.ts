import { z } from 'zod';
import { persistFields } from '../../app/preferences';
import { createStore } from '../../app/store';
import { SPEEDS, WINDOWS_MIN } from './playback-clock';

/** How the analyst last played the archive back: the next playback starts so, after a reload and a restart too. */
export interface PlaybackChoices {
  /** Archive milliseconds per wall-clock millisecond. */
  speed: number;
  windowMs: number;
  cumulative: boolean;
}

export const playbackChoices = createStore<PlaybackChoices>({ speed: 60, windowMs: 15 * 60_000, cumulative: false });

persistFields(playbackChoices, 'playback', {
  speed: z.number().refine((s) => (SPEEDS as readonly number[]).includes(s)),
  windowMs: z.number().refine((ms) => (WINDOWS_MIN as readonly number[]).includes(ms / 60_000)),
  cumulative: z.boolean(),
});
