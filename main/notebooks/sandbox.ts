import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../archive';
import type { S3Access } from '../s3';
import { duckdbS3Secret } from './s3-secret';
import { loadExtensions, type ExtensionSettings, type ExtensionState } from './extensions';

/** What a notebook's DuckDB may read, and where it spills. */
export interface SandboxOptions {
  /** Folders read from (notebooks.roots, the archive, the snapshots). */
  read: string[];
  /** URL prefixes read from (notebooks.buckets, through httpfs). */
  buckets: string[];
  /** How `s3://` is reached (keys, region, endpoint): made a DuckDB secret before the lock. */
  s3?: S3Access;
  /** DuckDB's spill folder: its own, never a root. */
  tempDir: string;
  threads?: number;
  memoryLimitMb?: number;
  extensions: ExtensionSettings;
}

export interface Sandbox {
  instance: DuckDBInstance;
  /** A connection opened before the lock (its session is the sandbox's own). */
  admin: DuckDBConnection;
  extensions: ExtensionState[];
}

/** A folder as DuckDB compares it: DuckDB resolves a file's symlinks, so a root is allowed by its real path too. */
function folderForms(dir: string): string[] {
  const slash = (p: string) => (p.endsWith('/') ? p : `${p}/`);
  const forms = [slash(dir)];
  if (existsSync(dir)) forms.push(slash(realpathSync(dir)));
  return [...new Set(forms)];
}

/**
 * A DuckDB for notebooks and `hexwatch sql`: the approved extensions loaded, then locked down — it reads
 * only inside `read` and `buckets` (`enable_external_access = false`, `allowed_directories`), loads
 * nothing more, and its configuration is locked (`lock_configuration`), so no statement can widen it.
 * What it may not write is refused by sql-guard.ts before a statement runs.
 */
export async function openSandbox(o: SandboxOptions): Promise<Sandbox> {
  mkdirSync(o.tempDir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', {
    // Nothing is fetched or loaded behind the analyst's back; the approved extensions are loaded below.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    ...(o.threads ? { threads: String(o.threads) } : {}),
    ...(o.memoryLimitMb ? { memory_limit: `${o.memoryLimitMb}MB` } : {}),
  });
  const admin = await instance.connect();
  try {
    const extensions = await loadExtensions(admin, o.extensions);
    const allowed = [...new Set([...o.read.flatMap(folderForms), ...o.buckets.map((b) => (b.endsWith('/') ? b : `${b}/`))])];
    const secret = duckdbS3Secret(o.s3);
    if (secret) await admin.run(secret);
    // Set globally before the lock: every connection after it is UTC and can change nothing.
    await admin.run("SET GLOBAL TimeZone = 'UTC'");
    await admin.run(`SET temp_directory = ${sqlString(o.tempDir)}`);
    await admin.run(`SET allowed_directories = [${allowed.map(sqlString).join(', ')}]`);
    await admin.run('SET enable_external_access = false');
    await admin.run('SET lock_configuration = true');
    return { instance, admin, extensions };
  } catch (err) {
    admin.closeSync();
    instance.closeSync();
    throw err;
  }
}
