import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * What a data dir has held: each database file is listed the first time it is opened, so a file that
 * later goes missing or is emptied (a bad restore, a sync tool, a full disk) is noticed and refused,
 * never silently recreated empty. A new data dir has no manifest and starts clean.
 */
export const MANIFEST = 'hexwatch-files.json';

interface Manifest {
  about: string;
  files: Record<string, { since: string }>;
}

/** A file the data dir held and no longer does (or holds empty): the message says which, since when, and what to do. */
export class LostFileError extends Error {
  override name = 'LostFileError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

function manifestPath(file: string): string {
  return join(dirname(file), MANIFEST);
}

function read(path: string): Manifest {
  if (!existsSync(path)) return { about: 'Files this hexwatch data dir holds; one that goes missing or empty is refused, not recreated.', files: {} };
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (err) {
    throw new LostFileError(`${path} is not readable JSON (${(err as Error).message}): restore it, or delete it to let every file start afresh`, path);
  }
}

/** Throws LostFileError when the data dir has held `file` and it is now missing or zero bytes long. */
export function assertNotLost(file: string): void {
  const path = manifestPath(file);
  const held = read(path).files[basename(file)];
  if (!held) return;
  const size = existsSync(file) ? statSync(file).size : -1;
  if (size > 0) return;
  const what = size < 0 ? 'is missing' : 'is empty (0 bytes)';
  throw new LostFileError(
    `${file} ${what}, though this data dir has held it since ${held.since}. hexwatch did not recreate it: restore it from a backup, or remove "${basename(file)}" from ${path} to start it empty.`,
    file,
  );
}

/** Lists `file` in its data dir's manifest (once; written atomically). */
export function remember(file: string, now = new Date()): void {
  const path = manifestPath(file);
  const manifest = read(path);
  const name = basename(file);
  if (manifest.files[name]) return;
  manifest.files[name] = { since: now.toISOString() };
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, path);
}

/** A data dir no hexwatch has opened a database file in: its first start. */
export function isNewDataDir(dataDir: string): boolean {
  return !existsSync(join(dataDir, MANIFEST));
}
