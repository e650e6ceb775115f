import { describe, expect, it } from 'vitest';
import { PositionBatch } from '../history';
import { MessageDecoder } from '../ingest';
import { BadMessages } from './bad-messages';
import { Simulator } from './simulator';

describe('the simulator’s malformed messages', () => {
  it('are each refused by ingest’s decoder, with its reason, and come in every kind', () => {
    const sim = new Simulator({ devices: 20, ratePerSec: 100, center: [-73.9851, 40.7589], radiusKm: 3, speedMps: 9, fleet: 'walkers', seed: 5 });
    const bad = new BadMessages(5);
    const decoder = new MessageDecoder(65_536);
    const rows = new PositionBatch();
    const reasons = new Set<string>();
    for (const fix of sim.take(200, Date.UTC(2026, 2, 2))) {
      const raw = bad.from(fix);
      const refused = decoder.decodeInto(rows, 0, raw, 0, raw.length);
      expect(refused, new TextDecoder().decode(raw)).toBeDefined();
      reasons.add(refused!.reason);
    }
    expect(rows.length).toBe(0);
    expect([...reasons].sort()).toEqual(['invalid_field', 'invalid_id', 'invalid_json', 'invalid_lat', 'invalid_lon', 'invalid_ts', 'not_object']);
  });
});
