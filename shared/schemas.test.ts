import { describe, expect, it } from 'vitest';
import { FenceEventSchema } from './fence-event';
import { FenceSchema } from './fence';
import { PositionSchema } from './position';

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('Position', () => {
  const ok = { id: 'device-123', lat: 40.7589, lon: -73.9851, ts: 1704067200000, h3_index: '8a2a1072b59ffff' };
  it('accepts the seed shape and the optional fields', () => {
    expect(PositionSchema.safeParse(ok).success).toBe(true);
    expect(PositionSchema.safeParse({ ...ok, speed: 3.2, heading: 270, accuracy: 5, kind: 'supply', props: { v: 1 } }).success).toBe(true);
  });
  it('refuses out-of-range, NaN, missing and mistyped fields, naming each', () => {
    expect(issues(PositionSchema.safeParse({ ...ok, lat: 91 }))[0]).toMatch(/^lat: /);
    expect(issues(PositionSchema.safeParse({ ...ok, lon: -181 }))[0]).toMatch(/^lon: /);
    expect(issues(PositionSchema.safeParse({ ...ok, lat: Number.NaN }))[0]).toMatch(/^lat: /);
    expect(issues(PositionSchema.safeParse({ ...ok, id: undefined }))[0]).toMatch(/^id: /);
    expect(issues(PositionSchema.safeParse({ ...ok, id: '' }))[0]).toMatch(/^id: must not be empty/);
    expect(issues(PositionSchema.safeParse({ ...ok, ts: '1704067200000' }))[0]).toMatch(/^ts: /);
    expect(issues(PositionSchema.safeParse({ ...ok, h3_index: 'zz' }))[0]).toMatch(/^h3_index: must be an H3 cell/);
  });
});

describe('Fence', () => {
  const square = {
    type: 'Polygon',
    coordinates: [
      [
        [-73.99, 40.75],
        [-73.98, 40.75],
        [-73.98, 40.76],
        [-73.99, 40.76],
        [-73.99, 40.75],
      ],
    ],
  };
  const fence = { id: 'office', name: 'Office', geometry: square, detect: ['enter', 'exit'], targets: [], enabled: true, version: 1 };
  it('accepts polygons, multipolygons and circles', () => {
    expect(FenceSchema.safeParse(fence).success).toBe(true);
    expect(FenceSchema.safeParse({ ...fence, geometry: { type: 'MultiPolygon', coordinates: [square.coordinates] } }).success).toBe(true);
    expect(FenceSchema.safeParse({ ...fence, geometry: { type: 'Circle', center: [-73.98, 40.75], radius_m: 250 } }).success).toBe(true);
  });
  it('names the problem of an invalid fence', () => {
    const ring = square.coordinates[0];
    expect(issues(FenceSchema.safeParse({ ...fence, geometry: { type: 'Polygon', coordinates: [ring.slice(0, 4)] } })).join()).toContain('ring is not closed');
    expect(issues(FenceSchema.safeParse({ ...fence, geometry: { type: 'Polygon', coordinates: [[ring[0], ring[1], ring[0]]] } })).join()).toContain(
      'at least 4 positions',
    );
    expect(issues(FenceSchema.safeParse({ ...fence, geometry: { type: 'Circle', center: [0, 0], radius_m: 0 } })).join()).toContain(
      'radius must be greater than 0',
    );
    expect(issues(FenceSchema.safeParse({ ...fence, geometry: { type: 'Circle', center: [0, 95], radius_m: 5 } })).join()).toContain('latitude above 90');
    expect(issues(FenceSchema.safeParse({ ...fence, detect: [] })).join()).toContain('detect list must not be empty');
    expect(issues(FenceSchema.safeParse({ ...fence, detect: ['dwell'] }))).toEqual([
      'dwell_s: detect has dwell but no dwell_s: say how many seconds inside make a dwell',
    ]);
  });

  it('refuses a self-intersecting ring, naming the edges, in any ring of any polygon', () => {
    const bowtie = [
      [0, 0],
      [2, 2],
      [2, 0],
      [0, 2],
      [0, 0],
    ];
    expect(issues(FenceSchema.safeParse({ ...fence, geometry: { type: 'Polygon', coordinates: [bowtie] } }))).toEqual([
      'geometry.coordinates.0: ring intersects itself: edges 1 and 3 meet near [1, 1]',
    ]);
    const hole = [
      [0.2, 0.2],
      [0.4, 0.2],
      [0.2, 0.4],
      [0.4, 0.4],
      [0.2, 0.2],
    ];
    const outer = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ];
    expect(issues(FenceSchema.safeParse({ ...fence, geometry: { type: 'MultiPolygon', coordinates: [[outer], [outer, hole]] } }))[0]).toMatch(
      /^geometry\.coordinates\.1\.1: ring intersects itself/,
    );
    // A spike that doubles back along itself, and a ring touching itself at a vertex.
    expect(
      issues(
        FenceSchema.safeParse({
          ...fence,
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [2, 0],
                [1, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        }),
      ).join(),
    ).toContain('intersects itself');
    expect(
      issues(
        FenceSchema.safeParse({
          ...fence,
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [2, 0],
                [1, 1],
                [2, 2],
                [0, 2],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        }),
      ).join(),
    ).toContain('intersects itself');
    // Concave but simple is fine.
    expect(
      FenceSchema.safeParse({
        ...fence,
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [2, 0],
              [1, 1],
              [2, 2],
              [0, 2],
              [0, 0],
            ],
          ],
        },
      }).success,
    ).toBe(true);
  });

  it('accepts rectangles and refuses an inverted one', () => {
    expect(FenceSchema.safeParse({ ...fence, geometry: { type: 'Rectangle', bbox: [-74, 40, -73, 41] } }).success).toBe(true);
    expect(issues(FenceSchema.safeParse({ ...fence, geometry: { type: 'Rectangle', bbox: [-73, 40, -74, 41] } })).join()).toContain('west < east');
    expect(issues(FenceSchema.safeParse({ ...fence, geometry: { type: 'Hexagon' } })).join()).toContain(
      'geometry type must be Polygon, MultiPolygon, Circle or Rectangle',
    );
  });
});

describe('FenceEvent', () => {
  it('accepts the seed event with its source', () => {
    const e = {
      event_type: 'enter',
      fence_id: 'office_zone',
      device_id: 'device-123',
      position: { lat: 40.7589, lon: -73.9851 },
      timestamp: 1704067200000,
      source: 'embedded',
    };
    expect(FenceEventSchema.safeParse(e).success).toBe(true);
    expect(FenceEventSchema.safeParse({ ...e, event_type: 'teleport' }).success).toBe(false);
  });
});
