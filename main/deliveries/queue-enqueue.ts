import { deliveryIdOf } from './delivery-id';
import type { QueueStatements } from './queue-statements';
import { FEED_TARGET, type EnqueueResult, type QueueSettings, type RoutedEvent } from './queue-types';
import type { RecentActivity } from './recent-activity';

/** One caller's events for `enqueue`/`enqueueDurably`, with the ingest mark they complete. */
export type EnqueueCall = { events: readonly RoutedEvent[]; highWater?: { stream: string; seq: number } };

/** What writing events needs of the queue (delivery-queue.ts). */
export interface EventWriter {
  st: QueueStatements;
  settings: QueueSettings;
  recent: RecentActivity;
  /** Says, once, that an event came again under a delivery id already queued. */
  repeatedId: (id: string) => void;
}

/**
 * One caller's events, inside the caller's transaction: each recorded (or counted as a repeat) and queued
 * once per target; the partitions it queued to go to `ready`.
 */
export function putEvents(q: EventWriter, call: EnqueueCall, now: number, enabled: ReadonlySet<string>, ready: Set<string>): EnqueueResult {
  const { dedupWindowMs, maxAttempts, feed } = q.settings;
  const windowStart = now - dedupWindowMs;
  const result: EnqueueResult = { recorded: 0, duplicates: 0, items: 0 };
  for (const e of call.events) {
    const seen = q.st.seen.get(e.fence_id, e.timestamp, e.device_id, e.event_type);
    if (seen && seen.recorded_at > windowStart) {
      q.st.repeat.run(seen.id);
      result.duplicates++;
      continue;
    }
    const named = e.targets ?? [...enabled].filter((t) => t !== FEED_TARGET);
    const targets = [...new Set(feed ? [FEED_TARGET, ...named] : named)].filter((t) => enabled.has(t));
    const eventId = Number(
      q.st.eventPut.run(e.event_type, e.fence_id, e.device_id, e.timestamp, e.position.lat, e.position.lon, e.group ?? null, e.source, now).lastInsertRowid,
    );
    // An item whose id is queued already is refused by the unique index (no read first: it would halve the rate).
    let items = 0;
    let refused: string | undefined;
    for (const target of targets) {
      const id = deliveryIdOf(e, target);
      if (q.st.itemPut.run(eventId, target, e.fence_id, null, maxAttempts, now, now, now, id).changes === 0) refused ??= id;
      else {
        ready.add(`${e.fence_id}\u0000${target}`);
        items++;
      }
    }
    // Every item queued already (another engine's copy, a redelivery past the dedup window): a repeat, not an event.
    if (items === 0 && refused) {
      q.st.eventDrop.run(eventId);
      result.duplicates++;
      q.repeatedId(refused);
      continue;
    }
    result.recorded++;
    result.items += items;
    // By the event's time, never past now: a device's clock ahead would hold a minute of the hour to come.
    q.recent.recorded(e.fence_id, Math.min(e.timestamp, now));
  }
  if (call.highWater) q.st.markPut.run(call.highWater.stream, call.highWater.seq);
  return result;
}
