import type { PositionBatch } from '../history';
import type { LiveAggregator } from './aggregator';
import type { RateMeter } from './rate-meter';

/** The heatmap's share of accepted positions: each into the live window at its resolution-15 cell, and all of them into the rate. */
export function heatmapSink(live: LiveAggregator, meter: RateMeter, clock: () => number): (rows: PositionBatch) => void {
  return (rows) => {
    for (let i = 0; i < rows.length; i++) live.add(rows.id[i], rows.ts[i], rows.lat[i], rows.lon[i], rows.h3hi[i], rows.h3lo[i]);
    meter.add(rows.length, clock());
  };
}
