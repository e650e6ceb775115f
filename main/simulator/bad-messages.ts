import type { Position } from '../../shared/position';
import { seededRandom } from './walker';

/** The ways a message from the field goes wrong, each as its bytes would arrive. */
const MALFORMED: readonly ((p: Position) => string)[] = [
  // Cut off mid-message (a full buffer, a dropped connection).
  (p) => JSON.stringify(p).slice(0, 24),
  // A latitude past the pole (a sign or a unit gone wrong).
  (p) => JSON.stringify({ ...p, lat: 90 + Math.abs(p.lat) / 10 }),
  // The time as text instead of epoch milliseconds.
  (p) => JSON.stringify({ ...p, ts: new Date(p.ts).toISOString() }),
  // No device id.
  (p) => JSON.stringify({ lat: p.lat, lon: p.lon, ts: p.ts }),
  // Coordinates sent as a bare array.
  (p) => JSON.stringify([p.lon, p.lat]),
  // A negative speed.
  (p) => JSON.stringify({ ...p, speed: -(p.speed ?? 1) }),
  // Longitude and latitude swapped past the antimeridian's range.
  (p) => JSON.stringify({ ...p, lon: p.lon - 200 }),
];

const encoder = new TextEncoder();

/**
 * Malformed messages made from the walkers' own fixes, in turn through the kinds above (seeded, so the
 * same seed sends the same mistakes): what a real feed sends now and then, for the decoder to refuse.
 */
export class BadMessages {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed ^ 0xbad);
  }

  /** One malformed message from the fix `p`. */
  from(p: Position): Uint8Array {
    const make = MALFORMED[Math.floor(this.random() * MALFORMED.length)]!;
    return encoder.encode(make(p));
  }
}
