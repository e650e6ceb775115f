import type { PlaybackState } from '../../app/ui-store';

export const SPEEDS = [1, 10, 60, 300, 900, 3600] as const;
export const WINDOWS_MIN = [1, 5, 15, 60, 360, 1440] as const;

/** t after `elapsedMs` of wall-clock time; playing stops at the end of the range. */
export function advance(s: PlaybackState, elapsedMs: number, range: { from: number; to: number }): PlaybackState {
  if (!s.playing) return s;
  const t = Math.min(range.to, Math.max(range.from, s.t + elapsedMs * s.speed));
  return { ...s, t, playing: t < range.to };
}

/** One step back or forward: a window's length (a minute when cumulative), inside the range. */
export function step(s: PlaybackState, direction: -1 | 1, range: { from: number; to: number }): PlaybackState {
  const by = s.cumulative ? 60_000 : s.windowMs;
  return { ...s, playing: false, t: Math.min(range.to, Math.max(range.from, s.t + direction * by)) };
}

/** Where playback starts: the end of the archive's first window, paused, at the speed and window given. */
export function startAt(
  range: { from: number; to: number },
  { windowMs, cumulative, speed }: Pick<PlaybackState, 'windowMs' | 'cumulative' | 'speed'> = { windowMs: 15 * 60_000, cumulative: false, speed: 60 },
): PlaybackState {
  return { t: Math.min(range.to, range.from + windowMs), windowMs, cumulative, playing: false, speed };
}
