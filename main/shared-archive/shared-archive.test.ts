import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderPlace } from './archive-place';
import { SharedArchive } from './shared-archive';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 10, 12);
let now = NOW;
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'hexwatch-shared-archive-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A finished local part (its bytes do not matter unsplit: the place copies them). */
function localPart(rel: string): void {
  const file = join(dir, 'data', 'archive', rel);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `bytes of ${rel}`);
}

const shared = () =>
  readdirSync(join(dir, 'nfs'), { recursive: true })
    .map(String)
    .filter((p) => p.endsWith('.parquet'))
    .sort();

const archive = () =>
  new SharedArchive({
    dataDir: join(dir, 'data'),
    place: new FolderPlace(join(dir, 'nfs')),
    engineId: 'e1',
    partitions: 0,
    owns: () => true,
    intervalMs: 60_000,
    graceMs: 0,
    retentionDays: 2,
    clock: () => now,
    log: () => {},
  });

describe('SharedArchive without partitions', () => {
  it("puts every table's parts under this engine's name, whole, and no temporary file stays", async () => {
    localPart('positions/date=2026-01-10/hour=09/part-a.parquet');
    localPart('fence_events/date=2026-01-10/hour=09/part-1-7.parquet');
    localPart('market/date=2026-01-10/hour=09/part-m.parquet');
    localPart('positions/date=2026-01-10/hour=09/.part-b.parquet.tmp');
    await archive().syncNow();
    expect(shared()).toEqual([
      'fence_events/date=2026-01-10/hour=09/engine=e1/part-1-7.parquet',
      'market/date=2026-01-10/hour=09/engine=e1/part-m.parquet',
      'positions/date=2026-01-10/hour=09/engine=e1/part-a.parquet',
    ]);
    expect(
      readdirSync(join(dir, 'nfs'), { recursive: true })
        .map(String)
        .filter((p) => p.endsWith('.tmp')),
    ).toEqual([]);
  });

  it("removes its copy of a part replaced locally, keeps an expired one's, and never compacts unpartitioned hours", async () => {
    const old = new Date(NOW - 5 * DAY).toISOString().slice(0, 10);
    localPart('positions/date=2026-01-10/hour=09/part-a.parquet');
    localPart('positions/date=2026-01-10/hour=09/part-b.parquet');
    localPart(`positions/date=${old}/hour=09/part-old.parquet`);
    const first = archive();
    await first.syncNow();
    // Compaction replaced a and b by c; retention removed the old hour.
    rmSync(join(dir, 'data/archive/positions/date=2026-01-10/hour=09/part-a.parquet'));
    rmSync(join(dir, 'data/archive/positions/date=2026-01-10/hour=09/part-b.parquet'));
    rmSync(join(dir, `data/archive/positions/date=${old}`), { recursive: true });
    localPart('positions/date=2026-01-10/hour=09/part-c.parquet');
    // A restart: what was put is read back from the journal.
    const second = archive();
    const result = await second.syncNow();
    expect(result.groups).toBe(0);
    // The replaced copies stay a while, so a query that listed them a moment ago still reads them.
    expect(shared()).toContain('positions/date=2026-01-10/hour=09/engine=e1/part-a.parquet');
    now += 20_000;
    await second.syncNow();
    now = NOW;
    expect(shared()).toEqual([`positions/date=${old}/hour=09/engine=e1/part-old.parquet`, 'positions/date=2026-01-10/hour=09/engine=e1/part-c.parquet']);
    expect(existsSync(join(dir, 'data', 'shared-archive.json'))).toBe(true);
  });
});
