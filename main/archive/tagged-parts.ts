import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { rmdirIfEmpty, unlinkIfPresent } from './durable-files';

/**
 * Deletes a table's parts named `part-<tag>-….parquet` (and their temporary files) and the hour folders
 * left empty: the parts a writer tagged (the demo's) and no catalogue lists. Returns how many parts.
 */
export async function removeTaggedParts(dataDir: string, table: string, tag: string): Promise<number> {
  const root = join(dataDir, 'archive', table);
  let names: string[];
  try {
    names = (await readdir(root, { recursive: true })).map(String);
  } catch {
    return 0;
  }
  const part = `part-${tag}-`;
  let removed = 0;
  const dirs = new Set<string>();
  for (const name of names) {
    const base = name.split('/').pop()!;
    if (!(base.startsWith(part) && base.endsWith('.parquet')) && !(base.startsWith(`.${part}`) && base.endsWith('.tmp'))) continue;
    await unlinkIfPresent(join(root, name));
    if (!base.startsWith('.')) removed++;
    dirs.add(dirname(join(root, name)));
  }
  for (const d of dirs) await rmdirIfEmpty(d);
  for (const d of new Set([...dirs].map((h) => dirname(h)))) await rmdirIfEmpty(d);
  return removed;
}
