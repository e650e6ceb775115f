import type { FenceEvent } from '../../shared/fence-event';
import type { DeliveryQueue, RoutedEvent } from './delivery-queue';
import type { DeliveryService } from './delivery-service';

/** Where fence events go, with the ingest mark they complete when NATS brought their positions. */
export type FenceEventSink = (events: readonly RoutedEvent[], mark?: { stream: string; seq: number }) => void;

/** The renderers' live event feed: an event with its delivery id ('' when it never reached the queue). */
export type FenceEventFeed = (event: FenceEvent, id: string) => void;

/**
 * The one path of fence events (the fences' and the market's surge alerts): recorded and queued durably
 * (with their mark, in one transaction), the queue's `feed` target delivering them to `feed`; when the
 * queue is closed or refuses them, straight to `feed`, so the live feed never goes quiet.
 */
export function fenceEventSink(
  delivery: (Pick<DeliveryService, 'onFeed'> & { queue: Pick<DeliveryQueue, 'enqueue'> }) | undefined,
  feed: FenceEventFeed,
  log: (line: string) => void,
): FenceEventSink {
  delivery?.onFeed(feed);
  return (events, mark) => {
    if (delivery) {
      try {
        delivery.queue.enqueue(events, mark ? { highWater: mark } : {});
        return;
      } catch (err) {
        log(`queue: ${(err as Error).message}: ${events.length} fence events reach the live feed only`);
      }
    }
    for (const { targets: _targets, ...event } of events) feed(event, '');
  };
}
