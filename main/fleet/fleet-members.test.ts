import { describe, expect, it } from 'vitest';
import type { Heartbeat } from '../../shared/rpc';
import { DROP_AFTER_MS, FleetMembers, fleetSignature, partitionsTable } from './fleet-members';

const beat = (id: string, owned: number[], partitions = 4, at = 0): Heartbeat => ({
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
  partitions: Array.from({ length: partitions }, (_, p) => ({ partition: p, owned: owned.includes(p), pending: owned.includes(p) ? p * 10 : -1 })),
  positionsPerSec: 100,
  lag: { pending: 0, lastPositionAgeMs: 5 },
  queue: { waiting: 0, dead: 0 },
  at,
});

describe('FleetMembers', () => {
  it('keeps an engine live until 3 of its heartbeats are missed, shows it gone, then drops it a minute later', () => {
    const m = new FleetMembers();
    m.put(beat('a', [0, 1]), 1000);
    expect(m.view(6999).engines.map((e) => e.state)).toEqual(['live']);
    expect(m.view(7000).engines.map((e) => e.state)).toEqual(['gone']);
    expect(m.view(7000 + DROP_AFTER_MS - 1).engines).toHaveLength(1);
    expect(m.view(7000 + DROP_AFTER_MS).engines).toEqual([]);
  });

  it('shows an engine whose key was deleted as left at once, and drops it after a minute', () => {
    const m = new FleetMembers();
    m.put(beat('a', []), 0);
    m.remove('a', 500);
    expect(m.view(500).engines[0]!.state).toBe('left');
    expect(m.view(500 + DROP_AFTER_MS).engines).toEqual([]);
  });

  it('a fresh heartbeat brings a gone engine back', () => {
    const m = new FleetMembers();
    m.put(beat('a', []), 0);
    expect(m.view(10_000).engines[0]!.state).toBe('gone');
    m.put(beat('a', []), 10_000);
    expect(m.view(10_001).engines[0]!.state).toBe('live');
  });

  it('lists this engine first and live from its own heartbeat, whatever the bucket says of it', () => {
    const m = new FleetMembers();
    m.put(beat('b', []), 0);
    m.put(beat('self', []), 0);
    const { engines } = m.view(100_000, beat('self', [0]));
    expect(engines.map((e) => [e.id, e.state, e.self])).toEqual([['self', 'live', true]]);
  });

  it('marks a partition nobody owns since when it was first seen so, and forgets it once owned', () => {
    const m = new FleetMembers();
    m.put(beat('a', [0, 1]), 0);
    m.put(beat('b', [2]), 0);
    expect(m.view(1000).partitions.map((p) => [p.partition, p.owners, p.unownedSince])).toEqual([
      [0, ['a'], undefined],
      [1, ['a'], undefined],
      [2, ['b'], undefined],
      [3, [], 1000],
    ]);
    expect(m.view(3000).partitions[3]!.unownedSince).toBe(1000);
    m.put(beat('b', [2, 3]), 3500);
    expect(m.view(4000).partitions[3]).toEqual({ partition: 3, owners: ['b'], pending: 30 });
  });

  it("takes a gone engine's partitions as unowned", () => {
    const m = new FleetMembers();
    m.put(beat('a', [0, 1]), 0);
    m.put(beat('b', [2, 3]), 5000);
    const p = m.view(7000).partitions;
    expect(p.filter((x) => x.owners.length === 0).map((x) => [x.partition, x.unownedSince])).toEqual([
      [0, 7000],
      [1, 7000],
    ]);
  });
});

describe('partitionsTable', () => {
  it('names both engines during a handover overlap and takes the backlog of an owner', () => {
    const a = { ...beat('a', [0]), state: 'live' as const, heardAt: 0, self: false };
    const b = { ...beat('b', [0]), state: 'live' as const, heardAt: 0, self: false };
    expect(partitionsTable([b, a], new Map())[0]).toEqual({ partition: 0, owners: ['a', 'b'], pending: 0 });
  });

  it('is empty when partitions are off', () => {
    const a = { ...beat('a', [], 0), state: 'live' as const, heardAt: 0, self: false };
    expect(partitionsTable([a], new Map())).toEqual([]);
  });
});

describe('fleetSignature', () => {
  it('changes with membership, state and ownership, not with the figures', () => {
    const m = new FleetMembers();
    m.put(beat('a', [0]), 0);
    const before = fleetSignature(m.view(100));
    m.put({ ...beat('a', [0]), positionsPerSec: 5000 }, 200);
    expect(fleetSignature(m.view(300))).toBe(before);
    m.put(beat('a', [0, 1]), 400);
    expect(fleetSignature(m.view(500))).not.toBe(before);
  });
});
