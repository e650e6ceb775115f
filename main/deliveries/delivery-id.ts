import { createHash } from 'node:crypto';
import type { FenceEvent } from '../../shared/fence-event';

/** RFC 4648's base32hex alphabet, lower case: its characters sort as the values they stand for, so ids sort by time. */
const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** The event time's characters: 10 × 5 bits of epoch milliseconds, past the year 30,000. */
const TIME_CHARS = 10;
/** The hash's characters: 100 bits, far past any fleet's count of events in one millisecond. */
const HASH_CHARS = 20;

/**
 * The delivery id of an event to one target, the same on every engine and at every try: `msg_`, the event time, then
 * SHA-256 of (fence, device, type, event time, target) — so a receiver dedupes the same event whichever engine sent
 * it. The time leads so that a queue's index of ids grows at its end, as events come, instead of at random places.
 */
export function deliveryIdOf(event: Pick<FenceEvent, 'fence_id' | 'device_id' | 'event_type' | 'timestamp'>, target: string): string {
  const digest = createHash('sha256')
    .update([event.fence_id, event.device_id, event.event_type, String(event.timestamp), target].join('\u0000'))
    .digest();
  return `msg_${timeChars(event.timestamp)}${base32hex(digest).slice(0, HASH_CHARS)}`;
}

function timeChars(ms: number): string {
  let v = Math.max(0, Math.floor(Number.isFinite(ms) ? ms : 0));
  let out = '';
  for (let i = 0; i < TIME_CHARS; i++) {
    out = BASE32HEX[v % 32] + out;
    v = Math.floor(v / 32);
  }
  return out;
}

function base32hex(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}
