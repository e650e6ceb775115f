import { describe, expect, it } from 'vitest';
import { heatLegend, type DrawnHeat } from './heatmap-legend';

const heat: DrawnHeat = {
  metric: 'devices',
  stops: [
    [0, [0, 0, 0]],
    [1, [255, 255, 255]],
  ] as unknown as DrawnHeat['stops'],
  mode: 'log',
  frame: { ticks: [[1, 0]], resolution: 8, windowMs: 60_000, smoothing: 0, market: false },
};

describe('the heat legend', () => {
  it('says, in a fleet, that the map holds this engine’s partitions only', () => {
    expect(heatLegend(heat).notes).toEqual(['log scale · H3 res 8 · last 60 s']);
    expect(heatLegend({ ...heat, share: { owned: 4, total: 8 } }).notes).toContain("this engine's 4 of 8 partitions: its share of the fleet's devices");
    // The market's layer is not partitioned: no such note there.
    expect(heatLegend({ ...heat, share: { owned: 4, total: 8 }, frame: { ...heat.frame!, market: true } }).notes).toHaveLength(1);
  });
});
