import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderPlace } from './archive-place';
import { FleetReader } from './fleet-reader';
import { sharedKeyOf } from './shared-layout';

const H1 = Date.UTC(2026, 0, 5, 9);
const H2 = H1 + 3_600_000;
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hexwatch-fleet-reader-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An empty file where the place keeps `key`: the reader lists names, it never opens them. */
function put(key: string): string {
  const file = join(dir, 'shared', key);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, '');
  return file;
}

describe('FleetReader', () => {
  it('reads a compacted hour plainly, and with each sequence once an hour with several parts or with rows still only here', async () => {
    const compacted = put(sharedKeyOf({ table: 'positions', hour: H1, partition: 0, engine: 'a', file: 'part-c-1.parquet' }));
    const twoA = put(sharedKeyOf({ table: 'positions', hour: H1, partition: 1, engine: 'a', file: 'part-2.parquet' }));
    const twoB = put(sharedKeyOf({ table: 'positions', hour: H1, partition: 1, engine: 'b', file: 'part-3.parquet' }));
    const hotHour = put(sharedKeyOf({ table: 'positions', hour: H2, partition: 0, engine: 'b', file: 'part-4.parquet' }));
    const archive = join(dir, 'me', 'archive');
    const mine = join(archive, 'positions/date=2026-01-05/hour=09/part-5.parquet');
    const mineUnpublished = join(archive, 'positions/date=2026-01-05/hour=09/part-6.parquet');
    const reader = new FleetReader(new FolderPlace(join(dir, 'shared')), 'me', archive, (rel) => rel.endsWith('part-5.parquet'));
    const share = await reader.share({ positionParts: [mine, mineUnpublished], hotHours: [H2 + 5], fenceEventParts: [], market: [] });
    // Its unpublished part makes H1 an hour "still here": every part of that hour is read with dedupe.
    expect(share.positions).toEqual([]);
    expect(share.dedupe).toEqual([compacted, twoA, twoB, hotHour, mineUnpublished].sort());

    const settled = await reader.share({ positionParts: [mine], hotHours: [], fenceEventParts: [], market: [] });
    expect(settled.positions).toEqual([compacted, hotHour].sort());
    expect(settled.dedupe).toEqual([twoA, twoB].sort());
  });

  it("reads other engines' fence events and market from the place, and its own from its data dir", async () => {
    const theirs = put(sharedKeyOf({ table: 'fence_events', hour: H1, engine: 'other', file: 'part-1-5.parquet' }));
    put(sharedKeyOf({ table: 'fence_events', hour: H1, engine: 'me', file: 'part-1-3.parquet' }));
    const theirMarket = put(sharedKeyOf({ table: 'market', hour: H1, engine: 'other', file: 'part-m.parquet' }));
    put(sharedKeyOf({ table: 'market', hour: H1, engine: 'me', file: 'part-n.parquet' }));
    const reader = new FleetReader(new FolderPlace(join(dir, 'shared')), 'me', join(dir, 'me', 'archive'), () => true);
    const share = await reader.share({ positionParts: [], hotHours: [], fenceEventParts: ['/local/fe.parquet'], market: ['/local/m.parquet'] });
    expect(share.fenceEvents).toEqual([theirs]);
    expect(share.market).toEqual(['/local/m.parquet', theirMarket].sort());
  });
});
