import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DemandEvent } from '../../shared/demand';
import { cellToBigInt } from '../../shared/h3-cell';
import { ConfigSchema } from '../config';
import { indexPosition } from '../heatmap';
import type { PositionBatch } from '../history';
import { SimulatedSource } from './simulated-source';

const defaults = ConfigSchema.parse({});
const settings = { ...defaults.simulator, devices: 20, ratePerSec: 100, demandPerSec: 5 };
const config = (simulator = settings) => ({ simulator, ingest: defaults.ingest });

describe('the simulator as a source', () => {
  let now: number;
  beforeEach(() => {
    vi.useFakeTimers();
    now = Date.UTC(2026, 0, 1);
  });
  afterEach(() => vi.useRealTimers());
  const clock = () => now;
  const run = (source: SimulatedSource, ms: number) => {
    source.start();
    for (let t = 0; t < ms; t += 100) {
      now += 100;
      vi.advanceTimersByTime(100);
    }
    source.stop();
  };

  it('hands over the walkers’ fixes at the rate, each with its resolution-15 cell, and requests at theirs', () => {
    const batches: PositionBatch[] = [];
    const requests: DemandEvent[] = [];
    run(new SimulatedSource(config(), { positions: (rows) => batches.push(rows), market: { addDemand: (events) => requests.push(...events) }, clock }), 2000);
    expect(batches.reduce((n, b) => n + b.length, 0)).toBe(200);
    expect(requests).toHaveLength(10);
    const cell = new Uint32Array(2);
    const b = batches[3]!;
    indexPosition(b.lat[0], b.lon[0], cell);
    expect(cellToBigInt(b.h3hi[0], b.h3lo[0])).toBe(cellToBigInt(cell[0], cell[1]));
    expect(b.id[0]).toMatch(/^walkers-/);
  });

  it('makes no requests without a market to take them, nor at a rate of 0', () => {
    const requests: DemandEvent[] = [];
    let positions = 0;
    run(new SimulatedSource(config(), { positions: (rows) => (positions += rows.length), clock }), 1000);
    run(
      new SimulatedSource(config({ ...settings, demandPerSec: 0 }), {
        positions: (rows) => (positions += rows.length),
        market: { addDemand: (e) => requests.push(...e) },
        clock,
      }),
      1000,
    );
    expect(positions).toBe(200);
    expect(requests).toEqual([]);
  });
});
