import type { FenceEvent } from '../../../../shared/fence-event';
import { FLASH_MS, type Flash } from './fence-layers';

/** Events flashing on the map: the last 2,000 at most (a storm of events stays a storm of dots), each for FLASH_MS. */
let flashes: Flash[] = [];
const listeners = new Set<() => void>();

export function flash(event: FenceEvent): void {
  if (flashes.length >= 2000) flashes.shift();
  flashes.push({ event, at: performance.now() });
  // The first flash starts the fade loop; later ones are picked up by it.
  if (flashes.length === 1) for (const l of listeners) l();
}

/** The flashes still on the map at `now`. */
export function liveFlashes(now: number): readonly Flash[] {
  if (flashes.length && now - flashes[0]!.at >= FLASH_MS) flashes = flashes.filter((f) => now - f.at < FLASH_MS);
  return flashes;
}

export function onFirstFlash(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
