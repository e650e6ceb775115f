import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * This data dir's engine name, as its parts are named in a shared bucket (`engine=<id>/`): the configured
 * one, else one made once (the host's name and a random tag) and kept in `<dataDir>/engine-id`.
 */
export function engineIdOf(dataDir: string, configured: string): string {
  if (configured) return configured;
  const file = join(dataDir, 'engine-id');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{1,64}$/.test(kept)) return kept;
  } catch {
    // first start with a bucket: made below
  }
  const host = hostname()
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  const id = `${host || 'engine'}-${randomBytes(3).toString('hex')}`;
  writeFileSync(file, `${id}\n`);
  return id;
}
