import { describe, expect, it } from 'vitest';
import type { FleetEngine, FleetList } from '../../../../shared/rpc';
import { engineColours, FLEET_BEHIND_MS, fleetFigures, isFleetOfOne, msgs, ownedRanges, shortDuration } from './fleet-figures';

const engine = (id: string, state: FleetEngine['state'], owned: number[] = [], total = 0): FleetEngine => ({
  id,
  name: id,
  host: 'h',
  version: '0.1.0',
  pid: 1,
  startedAt: 0,
  heartbeatS: 2,
  source: 'nats',
  sourceState: 'running',
  fenceMode: 'embedded',
  partitions: Array.from({ length: total }, (_, p) => ({ partition: p, owned: owned.includes(p), pending: 0 })),
  positionsPerSec: 0,
  lag: { pending: 0, lastPositionAgeMs: null },
  queue: { waiting: 0, dead: 0 },
  at: 0,
  state,
  heardAt: 0,
  self: false,
});

/** The fleet answer at time 0: partitions as the server counts them (`total`), their backlog, since when unowned. */
const list = (engines: FleetEngine[], total = 0, watchOnly = false, pending: number[] = []): FleetList => ({
  self: { id: 'a', name: 'a', watchOnly },
  mode: 'bucket',
  engines,
  partitions: Array.from({ length: total }, (_, partition) => ({ partition, owners: [], pending: pending[partition] ?? 0, unownedSince: 0 })),
  at: 0,
});

describe('fleetFigures', () => {
  it('counts live engines and owned partitions, and says the fleet is the fleet', () => {
    const f = fleetFigures(list([engine('a', 'live', [0, 3], 4), engine('b', 'live', [1], 4), engine('c', 'live', [2], 4)], 4), 0);
    expect(f.summary).toMatchObject({ words: 'fleet 3 engines · 4/4', tone: 'ok', problems: [] });
    expect(f.tiles.map((t) => t.kind)).toEqual(['owned', 'owned', 'owned', 'owned']);
  });

  it('warns of a gone engine, not of one that left, and its partitions are only "last held"', () => {
    const f = fleetFigures(list([engine('a', 'live', [0], 2), engine('b', 'gone', [1], 2), engine('c', 'left', [], 2)], 2), 0);
    expect(f.summary.words).toBe('fleet 1 engine · 1/2 · 1 left');
    expect(f.summary.tone).toBe('warn');
    expect(f.summary.problems).toEqual(['1 partition nobody owns', 'b gone (no heartbeat for 3 of its periods)']);
    expect(f.engines.map((r) => r.partitions)).toEqual(['0', 'last held 1', 'none']);
    expect(f.tiles[1]).toMatchObject({ kind: 'unowned', words: 'unowned', detail: 'for 0.0 s · last held by b · 0 backlog' });
    expect(fleetFigures(list([engine('a', 'live'), engine('c', 'left')]), 0).summary.tone).toBe('ok');
  });

  it('gives a partition to the live engine that holds it now, over a left engine that last said it did', () => {
    const f = fleetFigures(list([engine('a', 'live', [0, 1, 2, 3], 4), engine('b', 'left', [2, 3], 4)], 4), 5000);
    expect(f.tiles.map((t) => t.owners.join())).toEqual(['a', 'a', 'a', 'a']);
    expect(f.summary.words).toBe('fleet 1 engine · 4/4 · 1 left');
  });

  it('shows a partition two live engines claim as contested, not one of them', () => {
    const f = fleetFigures(list([engine('a', 'live', [0, 1], 2), engine('b', 'live', [1], 2)], 2), 0);
    expect(f.tiles[1]).toMatchObject({ kind: 'contested', owners: ['a', 'b'], words: 'a + b' });
    expect(f.summary.problems).toEqual(['1 partition claimed by two engines']);
    expect(f.kinds).toEqual(['owned', 'contested']);
  });

  it('tells an idle partition (never held, nothing waits) from an unowned one with a backlog', () => {
    const f = fleetFigures(list([engine('a', 'live', [0], 3)], 3, false, [5, 0, 40]), 180_000);
    expect(f.tiles.map((t) => [t.kind, t.detail])).toEqual([
      ['owned', '5 backlog'],
      ['idle', 'no positions yet'],
      ['unowned', 'for 3 min · 40 backlog'],
    ]);
    expect(f.summary.problems).toEqual(['1 partition nobody owns']);
  });

  it('ages the unowned time and the heard time against the moment asked, not the answer', () => {
    const b = { ...engine('b', 'gone', [1], 2), heardAt: 1000 };
    const at = (now: number) => fleetFigures(list([engine('a', 'live', [0], 2), b], 2), now);
    expect([at(2000).engines[1]!.heard, at(62_000).engines[1]!.heard]).toEqual(['1.0 s ago', '61 s ago']);
    expect(at(62_000).tiles[1]!.detail).toBe('for 62 s · last held by b · 0 backlog');
  });

  it('turns the fleet amber and says how far behind when a live engine commits old positions', () => {
    const slow = { ...engine('a', 'live', [0, 1], 2), lag: { pending: 370_850, lastPositionAgeMs: 540_000 } };
    const f = fleetFigures(list([slow], 2, false, [200_000, 170_850]), 0);
    expect(f.summary).toMatchObject({ words: 'fleet 1 engine · 2/2 · 9 min behind', tone: 'warn', backlog: 370_850, behindMs: 540_000 });
    const onTime = { ...slow, lag: { pending: 10, lastPositionAgeMs: FLEET_BEHIND_MS - 1 } };
    expect(fleetFigures(list([onTime], 2), 0).summary.tone).toBe('ok');
  });

  it('says a watch-only desktop watches', () => {
    expect(fleetFigures(list([engine('b', 'live')], 0, true), 0).summary.words).toBe('watching · fleet 1 engine');
  });
});

describe('figures', () => {
  it('writes owned partitions as ranges', () => {
    expect(ownedRanges(engine('a', 'live', [0, 1, 2, 3, 6], 8))).toBe('0–3, 6');
    expect(ownedRanges(engine('a', 'live', [], 8))).toBe('none');
    expect(ownedRanges(engine('a', 'live'))).toBe('—');
  });

  it('keeps an engine its colour when one sorted after it goes', () => {
    const before = engineColours([engine('b', 'live'), engine('a', 'live'), engine('c', 'live')]);
    const after = engineColours([engine('a', 'live'), engine('b', 'live')]);
    expect(after.get('a')).toBe(before.get('a'));
    expect(after.get('b')).toBe(before.get('b'));
  });

  it('gives every engine in view its own colour, the same whoever looks', () => {
    const ids = 'abcdefgh'.split('').map((id) => engine(id, 'live'));
    expect(new Set(engineColours(ids).values()).size).toBe(8);
    expect(engineColours([engine('delta', 'live')]).get('delta')).toBe(engineColours([engine('delta', 'live'), engine('zulu', 'live')]).get('delta'));
  });

  it('counts one message as one msg', () => {
    expect([1, 2, -1].map(msgs)).toEqual(['1 msg', '2 msgs', '—']);
  });

  it('writes durations short', () => {
    expect([400, 12_000, 180_000, 9_000_000].map(shortDuration)).toEqual(['0.4 s', '12 s', '3 min', '3 h']);
  });

  it('knows a fleet of one', () => {
    expect(isFleetOfOne(list([engine('a', 'live')]))).toBe(true);
    expect(isFleetOfOne(list([engine('a', 'live'), engine('b', 'live')]))).toBe(false);
  });
});
