/**
 * Tile38's detection for one fence and one update of a device (internal/server/fence.go, fenceMatch),
 * as a plain function: which events fire, in which order.
 */
import type { Detect } from '../../shared/fence';

export type Tile38Detect = Exclude<Detect, 'dwell'>;

/**
 * `was`: whether the previous fix was inside (undefined: there was none). `crossed` is asked only when
 * neither fix is inside and a previous one exists: does the segment between them touch the fence?
 */
export function detectEvents(was: boolean | undefined, now: boolean, crossed: () => boolean, detect: ReadonlySet<Detect>): Tile38Detect[] {
  let d: Tile38Detect;
  if (was && now) d = 'inside';
  else if (was) d = 'exit';
  else if (now) d = 'enter';
  // Without `cross` detected a crossing falls back to `outside` anyway: the segment test is skipped.
  else d = was === false && detect.has('cross') && crossed() ? 'cross' : 'outside';
  // What the fence does not detect falls back: enter → inside, exit and cross → outside.
  while (!detect.has(d)) {
    if (d === 'enter') d = 'inside';
    else if (d === 'exit' || d === 'cross') d = 'outside';
    else return [];
  }
  const events: Tile38Detect[] = [d];
  if (d === 'enter' && detect.has('inside')) events.push('inside');
  if ((d === 'exit' || d === 'cross') && detect.has('outside')) events.push('outside');
  return events;
}

/** Every answer detectEvents can give a fence, computed once; null where it depends on `crossed`. */
export function detectTable(detect: ReadonlySet<Detect>): (readonly Tile38Detect[] | null)[] {
  const out: (readonly Tile38Detect[] | null)[] = [];
  for (const was of [undefined, false, true]) {
    for (const now of [false, true]) {
      const no = detectEvents(was, now, () => false, detect);
      const yes = detectEvents(was, now, () => true, detect);
      out.push(no.join() === yes.join() ? no : null);
    }
  }
  return out;
}
