import { describe, expect, it } from 'vitest';
import type { FenceEvent } from '../../shared/fence-event';
import { fenceEventSink, type FenceEventFeed } from './fence-event-sink';
import type { RoutedEvent } from './delivery-queue';

const event = (device: string): RoutedEvent => ({
  event_type: 'enter',
  fence_id: 'f1',
  device_id: device,
  position: { lat: 40.75, lon: -73.98 },
  timestamp: 1000,
  source: 'embedded',
  targets: ['hook'],
});

describe('the path of fence events', () => {
  it('queues them with their mark, and subscribes the feed to what the queue delivers to it', () => {
    const queued: unknown[] = [];
    const feeds: FenceEventFeed[] = [];
    const sink = fenceEventSink(
      { onFeed: (f) => (feeds.push(f), () => true), queue: { enqueue: (e, o) => (queued.push([e.length, o]), { recorded: 0, duplicates: 0, items: 0 }) } },
      () => {},
      () => {},
    );
    sink([event('a'), event('b')], { stream: 'POSITIONS', seq: 9 });
    sink([]);
    expect(queued).toEqual([
      [2, { highWater: { stream: 'POSITIONS', seq: 9 } }],
      [0, {}],
    ]);
    expect(feeds).toHaveLength(1);
  });

  it('hands them to the feed without their targets when there is no queue, or when it refuses them (saying so)', () => {
    const fed: [FenceEvent, string][] = [];
    const lines: string[] = [];
    fenceEventSink(
      undefined,
      (e, id) => fed.push([e, id]),
      (l) => lines.push(l),
    )([event('a')]);
    const refusing = {
      onFeed: () => () => true,
      queue: {
        enqueue: () => {
          throw new Error('database is locked');
        },
      },
    };
    fenceEventSink(
      refusing,
      (e, id) => fed.push([e, id]),
      (l) => lines.push(l),
    )([event('b')]);
    expect(fed.map(([e, id]) => [e.device_id, 'targets' in e, id])).toEqual([
      ['a', false, ''],
      ['b', false, ''],
    ]);
    expect(lines).toEqual(['queue: database is locked: 1 fence events reach the live feed only']);
  });
});
