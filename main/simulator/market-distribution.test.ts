// The simulated market should look like one: the default simulator run through the market for a few
// simulated minutes holds most cells near ×1.0 while a few hotspots surge, rather than a list of ×5.00.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigSchema } from '../config';
import { MarketService } from '../market';
import { SimulatedSource } from './simulated-source';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexwatch-market-distribution-'));
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('the simulated market', () => {
  it('holds most cells near ×1.0 and lets a few hotspots surge, minute after minute', { timeout: 60_000 }, async () => {
    const config = ConfigSchema.parse({});
    let now = Date.UTC(2026, 2, 2, 17);
    const clock = () => now;
    const market = new MarketService({ dataDir: dir, settings: config.market, clock });
    const source = new SimulatedSource(config, { positions: (rows) => market.addPositions(rows), market, clock });
    source.start();
    const samples: { cells: number; median: number; surging: number; capped: number; topBelowCap: number }[] = [];
    const tickMs = config.market.tickS * 1000;
    for (let ms = 100; ms <= 11 * 60_000; ms += 100) {
      now += 100;
      vi.advanceTimersByTime(100);
      if (ms % tickMs === 0) market.tick();
      // From the fourth minute on: supply builds up over the first minutes (it decays slower than demand),
      // and meanwhile a cell a walker just left with a request in it reads ×5. Halfway through a tick, as a person reads it
      // (right after one, a cell whose only walker has not reported yet reads no supply).
      if (ms % 60_000 === tickMs / 2 && ms >= 4 * 60_000) {
        const { cells } = market.cells({ limit: 100_000 });
        const surges = cells.map((c) => c.surge);
        samples.push({
          cells: cells.length,
          median: median(surges),
          surging: surges.filter((s) => s >= 1.5).length,
          capped: surges.filter((s) => s >= 5).length,
          topBelowCap: cells.slice(0, 8).filter((c) => c.surge < 5).length,
        });
      }
    }
    source.stop();
    await market.stop();
    for (const s of samples) {
      expect(s.median, JSON.stringify(s)).toBeGreaterThanOrEqual(0.8);
      expect(s.median, JSON.stringify(s)).toBeLessThanOrEqual(1.3);
      // A few hotspot cells surge (not none, not a tenth of the city) ...
      expect(s.surging, JSON.stringify(s)).toBeGreaterThanOrEqual(2);
      expect(s.surging, JSON.stringify(s)).toBeLessThan(s.cells / 10);
      // ... and the list of the most surging cells reads mostly real multipliers, not the ×5 of a cell without supply.
      expect(s.topBelowCap, JSON.stringify(s)).toBeGreaterThanOrEqual(5);
    }
    expect(samples).toHaveLength(7);
  });
});
