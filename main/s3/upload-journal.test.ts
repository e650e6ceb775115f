import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UploadJournal } from './upload-journal';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function journalFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hexwatch-journal-'));
  dirs.push(dir);
  return join(dir, 'uploads.json');
}

const A = 'positions/date=2026-12-06/hour=10/part-a.parquet';
const B = 'positions/date=2026-12-06/hour=11/part-b.parquet';

describe('the journal of copied parts', () => {
  it('copies again a part rewritten under its name (other size or mtime), and only that one', async () => {
    const journal = new UploadJournal(journalFile(), 'target');
    const listed = new Map([
      [A, { size: 4, mtimeMs: 1000 }],
      [B, { size: 5, mtimeMs: 1000 }],
    ]);
    expect(journal.outdated(listed).map(([path]) => path)).toEqual([A, B]);
    for (const [path, stamp] of listed) await journal.set(path, stamp);
    expect(journal.outdated(listed)).toEqual([]);
    expect(journal.outdated(new Map([...listed, [A, { size: 4, mtimeMs: 2000 }]])).map(([path]) => path)).toEqual([A]);
    expect(journal.outdated(new Map([...listed, [B, { size: 6, mtimeMs: 1000 }]])).map(([path]) => path)).toEqual([B]);
  });

  it('is read again at a restart, and starts over for another target', async () => {
    const file = journalFile();
    const listed = new Map([[A, { size: 4, mtimeMs: 1000 }]]);
    await new UploadJournal(file, 'bucket-a').set(A, listed.get(A)!);
    expect(new UploadJournal(file, 'bucket-a').outdated(listed)).toEqual([]);
    expect(new UploadJournal(file, 'bucket-b').outdated(listed)).toHaveLength(1);
  });
});
