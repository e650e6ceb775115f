import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fence, FenceInput } from '../../shared/fence';
import { FenceRegistry, FenceValidationError } from './fence-registry';

let dir: string;
let registry: FenceRegistry;
let now = 1000;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexwatch-fences-'));
  registry = FenceRegistry.open(join(dir, 'fences.sqlite'), { clock: () => now });
});
afterEach(() => {
  registry.close();
  rmSync(dir, { recursive: true, force: true });
});

const ring = [
  [13.4, 52.5],
  [13.41, 52.5],
  [13.41, 52.51],
  [13.4, 52.51],
  [13.4, 52.5],
] as [number, number][];
const depot: FenceInput = { id: 'depot', name: 'Depot', geometry: { type: 'Polygon', coordinates: [ring] }, detect: ['enter', 'exit'] };

describe('the fence registry', () => {
  it('versions every save, refuses a stale edit, and keeps the history through a delete', () => {
    expect(registry.save(depot)).toMatchObject({ id: 'depot', version: 1, enabled: true, targets: [] });
    now = 2000;
    expect(registry.save({ ...depot, name: 'Main depot' }, 1).version).toBe(2);
    expect(() => registry.save({ ...depot, name: 'Stale' }, 1)).toThrow(/edited meanwhile: it is at version 2, not 1/);
    expect(registry.setEnabled('depot', false)).toMatchObject({ enabled: false, version: 3 });
    expect(registry.remove('depot')).toBe(true);
    expect(registry.list()).toEqual([]);
    expect(registry.history('depot').map((h) => [h.version, h.fence?.name ?? 'deleted'])).toEqual([
      [1, 'Depot'],
      [2, 'Main depot'],
      [3, 'Main depot'],
      [4, 'deleted'],
    ]);
  });

  it('refuses each invalid fence with a message naming the problem, and the valid ones are saved all the same', () => {
    const bad: [string, Partial<FenceInput>, RegExp][] = [
      [
        'unclosed',
        { geometry: { type: 'Polygon', coordinates: [ring.slice(0, 4)] } },
        /geometry\.coordinates\.0: ring is not closed: it starts at \[13\.4, 52\.5\] but ends at \[13\.4, 52\.51\]/,
      ],
      [
        'bowtie',
        {
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [2, 2],
                [2, 0],
                [0, 2],
                [0, 0],
              ],
            ],
          },
        },
        /ring intersects itself: edges 1 and 3 meet near \[1, 1\]/,
      ],
      ['short', { geometry: { type: 'Polygon', coordinates: [[ring[0], ring[1], ring[0]]] } }, /a ring needs at least 4 positions/],
      [
        'faraway',
        {
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [200, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        },
        /geometry\.coordinates\.0\.1\.0: longitude above 180/,
      ],
      ['flat-circle', { geometry: { type: 'Circle', center: [13.4, 52.5], radius_m: 0 } }, /geometry\.radius_m: radius must be greater than 0/],
      ['deaf', { detect: [] }, /detect: detect list must not be empty/],
    ];
    const features = [depot, ...bad.map(([id, change]) => ({ ...depot, id, ...change }))].map((f) => ({
      type: 'Feature',
      geometry: f.geometry.type === 'Circle' ? { type: 'Point', coordinates: f.geometry.center } : f.geometry,
      properties: { id: f.id, name: f.name, detect: f.detect, ...(f.geometry.type === 'Circle' ? { radius_m: f.geometry.radius_m } : {}) },
    }));
    const result = registry.importCollection({ type: 'FeatureCollection', features });
    expect(result.saved).toEqual(['depot']);
    expect(result.errors.map((e) => e.id)).toEqual(bad.map(([id]) => id));
    bad.forEach(([id, , message], i) => expect(result.errors[i].message, id).toMatch(message));
    expect(registry.list().map((f) => f.id)).toEqual(['depot']);
    expect(() => registry.save({ ...depot, id: 'x', geometry: { type: 'Circle', center: [0, 0], radius_m: -1 } })).toThrow(FenceValidationError);
  });

  it('exports a FeatureCollection that imports back to the same fences', () => {
    registry.save(depot);
    registry.save({ id: 'ring-road', name: 'Ring', geometry: { type: 'MultiPolygon', coordinates: [[ring]] }, detect: ['cross'], targets: ['ops'] });
    registry.save({ id: 'hub', name: 'Hub', geometry: { type: 'Circle', center: [13.4, 52.5], radius_m: 250 }, detect: ['enter', 'dwell'], dwell_s: 300 });
    registry.save({ id: 'yard', name: 'Yard', geometry: { type: 'Rectangle', bbox: [13.3, 52.4, 13.31, 52.41] }, detect: ['exit'], enabled: false });
    const exported = registry.exportCollection();
    const other = FenceRegistry.open(join(dir, 'other.sqlite'));
    try {
      expect(other.importCollection(JSON.parse(JSON.stringify(exported))).errors).toEqual([]);
      // The same fences, saved at another time.
      const unsaved = (list: Fence[]) => list.map(({ updated_at: _at, ...f }) => f);
      expect(unsaved(other.list())).toEqual(unsaved(registry.list()));
    } finally {
      other.close();
    }
  });
});
