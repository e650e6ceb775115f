import { describe, expect, it } from 'vitest';
import type { FenceEvent } from '../../shared/fence-event';
import { diffEvents, emptyTally, tally } from './backtest-diff';

const ev = (device_id: string, event_type: FenceEvent['event_type'], timestamp: number, fence_id = 'f'): FenceEvent => ({
  event_type,
  fence_id,
  device_id,
  position: { lat: 52.5, lon: 13.4 },
  timestamp,
  source: 'embedded',
});

describe('the difference of two backtests', () => {
  it('names the events only the edit fires as gained and those only the saved fence fires as lost', () => {
    const before = [ev('a', 'enter', 1), ev('a', 'exit', 5), ev('b', 'enter', 2)];
    const after = [ev('a', 'enter', 1), ev('b', 'enter', 2), ev('b', 'exit', 7), ev('c', 'enter', 3)];
    const { gained, lost } = diffEvents(before, after);
    expect(gained).toEqual([ev('b', 'exit', 7), ev('c', 'enter', 3)]);
    expect(lost).toEqual([ev('a', 'exit', 5)]);
  });

  it('keys by device, type and time: the same moment of another type, device or time differs; another fence id or version does not', () => {
    const { gained, lost } = diffEvents(
      [ev('a', 'enter', 1, 'v1')],
      [ev('a', 'enter', 1, 'v2'), ev('a', 'inside', 1), ev('b', 'enter', 1), ev('a', 'enter', 2)],
    );
    expect(lost).toEqual([]);
    expect(gained.map((e) => `${e.device_id} ${e.event_type} ${e.timestamp}`)).toEqual(['a inside 1', 'b enter 1', 'a enter 2']);
  });

  it('counts repeated events as many times as they happen', () => {
    const twice = [ev('a', 'inside', 1), ev('a', 'inside', 1)];
    expect(diffEvents(twice, [ev('a', 'inside', 1)])).toEqual({ gained: [], lost: [ev('a', 'inside', 1)] });
    expect(diffEvents([ev('a', 'inside', 1)], twice)).toEqual({ gained: [ev('a', 'inside', 1)], lost: [] });
  });

  it('is empty for the same events in another order, and all gained (or lost) against nothing', () => {
    const events = [ev('a', 'enter', 1), ev('b', 'exit', 2)];
    expect(diffEvents(events, [...events].reverse())).toEqual({ gained: [], lost: [] });
    expect(diffEvents([], events)).toEqual({ gained: events, lost: [] });
    expect(diffEvents(events, [])).toEqual({ gained: [], lost: events });
  });

  it('tallies by type, keeping the first few', () => {
    const t = emptyTally();
    tally(t, [ev('a', 'enter', 1), ev('b', 'enter', 2), ev('a', 'exit', 3)], 2);
    expect(t).toEqual({ events: 3, byType: { enter: 2, exit: 1 }, first: [ev('a', 'enter', 1), ev('b', 'enter', 2)] });
  });
});
