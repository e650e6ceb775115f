import type { FenceEvent } from '../../shared/fence-event';
import { describe, expect, it } from 'vitest';
import { fenceEventOf } from '../../tests/helpers/queue-fixtures';
import { deliveryIdOf } from './delivery-id';

describe('deliveryIdOf', () => {
  const event = fenceEventOf('yard', 'truck-7', Date.UTC(2026, 0, 1, 12));

  it('is the same for the same event and target, whatever else the event carries', () => {
    const elsewhere: FenceEvent = { ...event, position: { lat: 1, lon: 2 }, source: 'tile38' };
    expect(deliveryIdOf(event, 'hook')).toBe(deliveryIdOf(elsewhere, 'hook'));
    expect(deliveryIdOf(event, 'hook')).toMatch(/^msg_[0-9a-v]{30}$/);
  });

  it('is fixed across releases: receivers keep the ids they saw', () => {
    expect(deliveryIdOf(event, 'hook')).toBe(deliveryIdOf(fenceEventOf('yard', 'truck-7', 1767268800000), 'hook'));
    expect(deliveryIdOf(event, 'hook')).toMatchInlineSnapshot(`"msg_01jdsmrlg0vceepg9dmm1d4tpnrs2o"`);
  });

  it('sorts by the event time, so a queue’s index of ids grows at its end', () => {
    const later = deliveryIdOf({ ...event, timestamp: event.timestamp + 1 }, 'hook');
    const much = deliveryIdOf({ ...event, timestamp: event.timestamp + 86_400_000 }, 'a');
    expect([much, later, deliveryIdOf(event, 'zzz')].sort()).toEqual([deliveryIdOf(event, 'zzz'), later, much]);
  });

  it('differs per target, fence, device, type and time', () => {
    const ids = [
      deliveryIdOf(event, 'hook'),
      deliveryIdOf(event, 'other'),
      deliveryIdOf({ ...event, fence_id: 'yard2' }, 'hook'),
      deliveryIdOf({ ...event, device_id: 'truck-8' }, 'hook'),
      deliveryIdOf({ ...event, event_type: 'exit' }, 'hook'),
      deliveryIdOf({ ...event, timestamp: event.timestamp + 1 }, 'hook'),
      // The separator keeps fields apart: ("ab", "c") is not ("a", "bc").
      deliveryIdOf({ ...event, fence_id: 'yardt', device_id: 'ruck-7' }, 'hook'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });
});
