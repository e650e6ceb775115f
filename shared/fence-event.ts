import { z } from 'zod';

export const FenceEventTypeSchema = z.enum(['enter', 'exit', 'inside', 'outside', 'cross', 'dwell']);
export type FenceEventType = z.infer<typeof FenceEventTypeSchema>;

/** A geofence event as delivered: type, fence, device, position, time, plus the device's group and the engine that decided it. */
export const FenceEventSchema = z.object({
  event_type: FenceEventTypeSchema,
  fence_id: z.string().min(1),
  device_id: z.string().min(1),
  position: z.object({ lat: z.number().finite().min(-90).max(90), lon: z.number().finite().min(-180).max(180) }),
  timestamp: z.number().int().nonnegative(),
  group: z.string().optional(),
  source: z.enum(['tile38', 'embedded']),
});
export type FenceEvent = z.infer<typeof FenceEventSchema>;
