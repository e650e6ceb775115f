import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A part as it is on disk now: a part rewritten under the same name (new bytes) differs in one or the other. */
export interface PartStamp {
  size: number;
  mtimeMs: number;
}

/**
 * The local archive's finished parts (`<dataDir>/archive/<table>/…/*.parquet`), each by its path relative to
 * the archive with its size and mtime: what the copiers to a bucket or the shared place compare with their
 * journals. Parts are renamed into place whole, so a `*.parquet` that is not hidden is finished; `tables`
 * limits the listing to those tables' folders.
 */
export async function listFinishedParts(dataDir: string, tables?: readonly string[]): Promise<Map<string, PartStamp>> {
  const root = join(dataDir, 'archive');
  const parts = new Map<string, PartStamp>();
  let names: string[] = [];
  try {
    names = (await readdir(root, { recursive: true })).map(String);
  } catch {
    return parts; // no archive yet
  }
  for (const rel of names) {
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    if (base.startsWith('.') || !base.endsWith('.parquet')) continue;
    if (tables && !tables.includes(rel.slice(0, rel.indexOf('/')))) continue;
    try {
      const s = await stat(join(root, rel));
      if (s.isFile()) parts.set(rel, { size: s.size, mtimeMs: s.mtimeMs });
    } catch {
      // removed since the listing
    }
  }
  return parts;
}
