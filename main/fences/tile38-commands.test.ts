import { describe, expect, it } from 'vitest';
import type { Fence } from '../../shared/fence';
import { eventOfMessage, fenceQuery, setCommand, tile38Detect } from './tile38-commands';

const base: Fence = {
  id: 'depot',
  name: 'Depot',
  geometry: { type: 'Circle', center: [13.4, 52.5], radius_m: 250 },
  detect: ['enter', 'exit', 'dwell'],
  dwell_s: 60,
  targets: [],
  enabled: true,
  version: 3,
};

describe('Tile38 commands', () => {
  it('deploys circles as NEARBY … POINT lat lon meters and polygons as WITHIN … OBJECT, without dwell', () => {
    expect(fenceQuery(base, 'fleet')).toEqual(['NEARBY', 'fleet', 'FENCE', 'DETECT', 'enter,exit', 'POINT', '52.5', '13.4', '250']);
    const rect = fenceQuery({ ...base, geometry: { type: 'Rectangle', bbox: [1, 2, 3, 4] }, detect: ['dwell'] }, 'fleet');
    expect(rect.slice(0, 6)).toEqual(['WITHIN', 'fleet', 'FENCE', 'DETECT', 'enter,exit', 'OBJECT']);
    expect(JSON.parse(rect[6])).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [1, 2],
          [3, 2],
          [3, 4],
          [1, 4],
          [1, 2],
        ],
      ],
    });
    expect(tile38Detect({ ...base, detect: ['cross', 'inside', 'outside'] })).toBe('inside,outside,cross');
  });
  it('SETs a fix with its time as a field and an optional expiry', () => {
    expect(setCommand('fleet', { id: 'd1', lat: 52.5, lon: 13.4, ts: 1700000000000 }, 0)).toEqual([
      'SET',
      'fleet',
      'd1',
      'FIELD',
      'ts',
      '1700000000000',
      'POINT',
      '52.5',
      '13.4',
    ]);
    expect(setCommand('fleet', { id: 'd1', lat: 1, lon: 2, ts: 3 }, 600)).toContain('EX');
  });
  it('reads a fence message back as a FenceEvent, and ignores what is not one', () => {
    const msg = {
      command: 'set',
      group: 'g',
      detect: 'enter',
      hook: 'hw.depot',
      key: 'fleet',
      time: '2026-01-01T00:00:00Z',
      id: 'd1',
      object: { type: 'Point', coordinates: [13.4, 52.5] },
      fields: { ts: 42 },
    };
    expect(eventOfMessage(JSON.stringify(msg), 'hw.')).toEqual({
      event_type: 'enter',
      fence_id: 'depot',
      device_id: 'd1',
      position: { lat: 52.5, lon: 13.4 },
      timestamp: 42,
      source: 'tile38',
    });
    expect(eventOfMessage(JSON.stringify({ ...msg, fields: undefined }), 'hw.')?.timestamp).toBe(Date.UTC(2026, 0, 1));
    expect(eventOfMessage(JSON.stringify({ ...msg, command: 'del' }), 'hw.')).toBeUndefined();
    expect(eventOfMessage(JSON.stringify({ ...msg, hook: 'theirs.depot' }), 'hw.')).toBeUndefined();
    expect(eventOfMessage('not json', 'hw.')).toBeUndefined();
  });
});
