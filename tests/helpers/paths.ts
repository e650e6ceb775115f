import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests/helpers/../..). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** The `hexwatch` command (runs the built out/main/cli.js). */
export const hexwatchBin = join(repoRoot, 'bin', 'hexwatch.js');
/** Where tests write what a person may want to look at (gitignored). */
export const resultsDir = join(repoRoot, 'test-results');

export interface TempDir {
  readonly path: string;
  remove(): Promise<void>;
}

/** A fresh empty folder under the OS temp dir. */
export async function makeTempDir(prefix = 'hexwatch-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true, maxRetries: 3 }) };
}

/**
 * The environment for an engine child process: ours without any HEXWATCH_* setting (a developer's
 * HEXWATCH_NATS_SERVERS must not leak into a test), plus `extra`.
 */
export function engineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HEXWATCH_')) env[k] = v;
  return { ...env, ...extra };
}
