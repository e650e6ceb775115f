import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listFinishedParts } from './finished-parts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hexwatch-parts-'));
  dirs.push(dir);
  for (const [rel, body] of Object.entries(files)) {
    const path = join(dir, 'archive', rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
  }
  return dir;
}

describe("the local archive's finished parts", () => {
  it('lists the parquet parts with their size, leaving out a part still being written and anything else', async () => {
    const dir = dataDirWith({
      'positions/date=2026-12-06/hour=10/part-a.parquet': 'four',
      'positions/date=2026-12-06/hour=10/.part-b.parquet.tmp': 'half',
      'fence_events/date=2026-12-06/hour=10/part-c.parquet': 'sixsix',
      'market/notes.txt': 'x',
    });
    const parts = await listFinishedParts(dir);
    expect([...parts.keys()].sort()).toEqual(['fence_events/date=2026-12-06/hour=10/part-c.parquet', 'positions/date=2026-12-06/hour=10/part-a.parquet']);
    expect(parts.get('positions/date=2026-12-06/hour=10/part-a.parquet')!.size).toBe(4);
    expect([...(await listFinishedParts(dir, ['fence_events'])).keys()]).toEqual(['fence_events/date=2026-12-06/hour=10/part-c.parquet']);
  });

  it('is empty before the first part is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexwatch-parts-'));
    dirs.push(dir);
    expect((await listFinishedParts(dir)).size).toBe(0);
  });
});
