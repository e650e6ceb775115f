import { createStore } from '../../app/store';
import type { FenceEvent } from '../../../../shared/fence-event';

export interface FeedEntry {
  id: string;
  event: FenceEvent;
}

/** The feed keeps this many events; older ones leave the list (they stay in the queue's log). */
export const FEED_KEEP = 100_000;

/**
 * The live event feed, outside React: every `fences.event` since the workstation opened (the last
 * 100,000), collected whether or not the panel is open. Views re-render at most 4 times a second.
 */
let entries: FeedEntry[] = [];
/** How many events have arrived in all: the views' version. */
const received = createStore(0, { throttleMs: 250 });

export function receive(entry: FeedEntry): void {
  entries.push(entry);
  if (entries.length > FEED_KEEP * 1.5) entries = entries.slice(-FEED_KEEP);
  received.set(received.get() + 1);
}

/** Newest last; at most FEED_KEEP. */
export function feedEntries(): readonly FeedEntry[] {
  return entries.length > FEED_KEEP ? entries.slice(-FEED_KEEP) : entries;
}

/** How many events have arrived in all (the view's version). */
export const useFeedVersion = received.use;
