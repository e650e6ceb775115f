import { describe, expect, it } from 'vitest';
import { PositionBatch } from '../history';
import { LiveAggregator } from './aggregator';
import { indexPosition } from './h3-index';
import { heatmapSink } from './heatmap-sink';
import { RateMeter } from './rate-meter';

const T0 = 1_704_067_200_000;

describe('the heatmap’s share of accepted positions', () => {
  it('puts each into the live window at its cell and counts them all in the rate', () => {
    const live = new LiveAggregator({ windowMs: 60_000, bucketMs: 5_000, resolution: 11 });
    const meter = new RateMeter();
    const sink = heatmapSink(live, meter, () => T0);
    const rows = new PositionBatch(3);
    const cell = new Uint32Array(2);
    for (const [id, lat, lon] of [
      ['a', 40.75, -73.98],
      ['b', 40.75, -73.98],
      ['a', 51.5, -0.12],
    ] as const) {
      indexPosition(lat, lon, cell);
      rows.add(0, id, T0, lat, lon, cell[0], cell[1]);
    }
    sink(rows);
    sink(new PositionBatch(0));
    expect(live.stats().devices).toBe(2);
    expect(meter.total).toBe(3);
  });
});
