import { createHash } from 'node:crypto';
import type { FenceEvent } from '../../shared/fence-event';

/** SHA-256 over (fence, device, event type, event time): the same event seen twice has one fingerprint. */
export function fingerprintOf(e: Pick<FenceEvent, 'fence_id' | 'device_id' | 'event_type' | 'timestamp'>): string {
  // NUL separators: ids cannot smuggle a field boundary.
  return createHash('sha256').update(`${e.fence_id}\u0000${e.device_id}\u0000${e.event_type}\u0000${e.timestamp}`).digest('hex');
}
