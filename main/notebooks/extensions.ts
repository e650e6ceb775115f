import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../archive';
import manifest from './duckdb-extensions.json';

/** The one DuckDB version the extensions are provisioned for; @duckdb/node-api must be that version (duckdb-version.test.ts). */
export const DUCKDB_VERSION: string = manifest.duckdb;
/** The extensions a notebook may load: DuckDB's own signed builds, nothing else. */
export const APPROVED_EXTENSIONS: readonly string[] = manifest.extensions;

/** DuckDB's name of this machine's platform (`linux_amd64`…), as its extension folders are named. */
export function duckdbPlatform(platform = `${process.platform}-${process.arch}`): string | undefined {
  return (manifest.platforms as Record<string, { duckdb: string }>)[platform]?.duckdb;
}

export interface ExtensionSettings {
  /** Let DuckDB INSTALL a missing one from its official repository (notebooks.extensionsOnline). */
  online: boolean;
  /** Where such downloads go (the data dir's `duckdb-extensions`). */
  onlineDir: string;
}

/** What became of each approved extension when the sandbox opened. */
export interface ExtensionState {
  name: string;
  loaded: boolean;
  /** Where it came from, or why it is missing. */
  from?: 'bundled' | 'cache' | 'online';
  missing?: string;
}

/**
 * The folders the extension files are looked for in, in order: the app's bundled folder (`npm run dist`
 * puts each platform's official builds among its resources), `HEXWATCH_DUCKDB_EXTENSIONS`, and the
 * provisioned cache (`.cache/duckdb-extensions`, filled by `npm install`/`npm test` through pip).
 * Each holds DuckDB's own layout: `v<version>/<platform>/<name>.duckdb_extension`.
 */
export function extensionFolders(): { dir: string; from: 'bundled' | 'cache' }[] {
  const folders: { dir: string; from: 'bundled' | 'cache' }[] = [];
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources) folders.push({ dir: join(resources, 'duckdb-extensions'), from: 'bundled' });
  if (process.env.HEXWATCH_DUCKDB_EXTENSIONS) folders.push({ dir: process.env.HEXWATCH_DUCKDB_EXTENSIONS, from: 'cache' });
  // From source (main/notebooks) or built (out/main[/chunks]): the checkout's .cache is a few folders up.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const cache = join(dir, '.cache', 'duckdb-extensions');
    if (existsSync(cache)) {
      folders.push({ dir: cache, from: 'cache' });
      break;
    }
  }
  return folders;
}

/** The file of `name` for this DuckDB and platform under `folder`, when it is there. */
export function extensionFile(folder: string, name: string): string | undefined {
  const platform = duckdbPlatform();
  if (!platform) return undefined;
  const file = join(folder, `v${DUCKDB_VERSION}`, platform, `${name}.duckdb_extension`);
  return existsSync(file) ? file : undefined;
}

/** How to get a missing extension, in one line. */
export function howToGet(name: string): string {
  return (
    `the DuckDB extension "${name}" is not installed: in a checkout, npm install provisions it (pip fetches DuckDB's signed build into .cache/duckdb-extensions; ` +
    `without pip: pip install --target … duckdb-extension-${name}==${DUCKDB_VERSION}, or set HEXWATCH_DUCKDB_EXTENSIONS to a folder holding v${DUCKDB_VERSION}/${duckdbPlatform() ?? '<platform>'}/${name}.duckdb_extension); ` +
    'or let DuckDB fetch it from its official repository with notebooks.extensionsOnline = true'
  );
}

/**
 * Loads every approved extension that can be had, before the sandbox locks DuckDB (after it, nothing
 * may be loaded). DuckDB checks each file's signature: unsigned builds are never allowed.
 */
export async function loadExtensions(connection: DuckDBConnection, settings: ExtensionSettings): Promise<ExtensionState[]> {
  const folders = extensionFolders();
  const states: ExtensionState[] = [];
  for (const name of APPROVED_EXTENSIONS) {
    const problems: string[] = [];
    let state: ExtensionState | undefined;
    for (const { dir, from } of folders) {
      const file = extensionFile(dir, name);
      if (!file) continue;
      try {
        await connection.run(`LOAD ${sqlString(file)}`);
        state = { name, loaded: true, from };
        break;
      } catch (err) {
        problems.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    if (!state && settings.online) {
      try {
        await connection.run(`SET extension_directory = ${sqlString(settings.onlineDir)}`);
        await connection.run(`INSTALL ${name}`);
        await connection.run(`LOAD ${name}`);
        state = { name, loaded: true, from: 'online' };
      } catch (err) {
        problems.push(`INSTALL ${name} from DuckDB's repository: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    states.push(state ?? { name, loaded: false, missing: problems.length ? `${problems.join('; ')}; ${howToGet(name)}` : howToGet(name) });
  }
  return states;
}
