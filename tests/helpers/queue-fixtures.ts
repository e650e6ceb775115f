// Fence events and attempt outcomes the delivery queue's tests feed it.
import type { FenceEvent } from '../../shared/fence-event';

export const fenceEventOf = (fence: string, device: string, ts: number, type: FenceEvent['event_type'] = 'enter'): FenceEvent => ({
  event_type: type,
  fence_id: fence,
  device_id: device,
  position: { lat: 40.7, lon: -73.9 },
  timestamp: ts,
  source: 'embedded',
});

export const FAILED_500 = { status: 'failed' as const, httpStatus: 500, latencyMs: 3, error: 'HTTP 500' };
export const DELIVERED = { status: 'success' as const, httpStatus: 200, latencyMs: 2 };
