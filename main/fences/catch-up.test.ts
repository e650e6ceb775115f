import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FenceEvent } from '../../shared/fence-event';
import { HistoryStore, type PositionRow } from '../history';
import { tempDir } from '../../tests/helpers/history-fixtures';
import { DeliveryQueue } from '../deliveries';
import { catchUpFences } from './catch-up';
import { FenceEngine } from './fence-engine';
import { FenceService, type IngestMark, type RoutedFenceEvent } from './fence-service';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(() => cleanup());

const fence = {
  id: 'depot',
  name: 'Depot',
  geometry: { type: 'Rectangle' as const, bbox: [13.4, 52.5, 13.41, 52.51] as [number, number, number, number] },
  detect: ['enter' as const, 'exit' as const],
};

it('runs the positions committed after the queue’s mark through the fences, once, from where each device was, and moves the mark', async () => {
  const history = await HistoryStore.open({ dataDir: dir, graceMs: 3_600_000 });
  // 10 devices walk east across the depot, one fix each per step.
  const rows: PositionRow[] = [];
  for (let step = 0; step < 10; step++)
    for (let d = 0; d < 10; d++)
      rows.push({ seq: BigInt(rows.length + 1), device_id: `d${d}`, ts: Date.now() + step * 1000 + d, lat: 52.505, lon: 13.395 + step * 0.002, h3: 1n });
  await history.commit({ stream: 'S', rows, quarantined: [], highWater: BigInt(rows.length) });

  const queue = DeliveryQueue.open(join(dir, 'queue.sqlite'), { settings: { feed: false } });
  const events: FenceEvent[] = [];
  const fences = new FenceService({
    dataDir: dir,
    sink: (e: RoutedFenceEvent[], mark?: IngestMark) => {
      events.push(...e.map(({ targets: _targets, ...event }) => event));
      queue.enqueue(e, mark ? { highWater: mark } : {});
    },
  });
  fences.registry.save(fence);
  try {
    // A queue that never saw the stream replays nothing.
    expect(await catchUpFences(history, fences, 'S', 0)).toBe(0);
    // The crash left the events of seq 41–100 unrecorded.
    queue.enqueue([], { highWater: { stream: 'S', seq: 40 } });
    expect(await catchUpFences(history, fences, 'S', queue.highWater('S'))).toBe(60);
    expect(queue.highWater('S')).toBe(100);
    // As if the engine had never stopped: each device's next fix is judged against its last one.
    const fixes = rows.map((r) => ({ id: r.device_id, ts: r.ts, lat: r.lat, lon: r.lon }));
    const uninterrupted = new FenceEngine([{ ...fence, targets: [], enabled: true, version: 1 }]);
    uninterrupted.update(fixes.slice(0, 40));
    expect(events).toEqual(uninterrupted.update(fixes.slice(40)));
    expect(new Set(events.map((e) => e.event_type))).toEqual(new Set(['exit'])); // inside already: no second enter
    // Caught up: a second call does nothing.
    expect(await catchUpFences(history, fences, 'S', queue.highWater('S'))).toBe(0);
  } finally {
    await fences.stop();
    queue.close();
    await history.close();
  }
});
