// One DuckDB version for the engine and its extensions: @duckdb/node-api (and its bindings) must be the
// version the extensions in duckdb-extensions.json are provisioned for, or DuckDB refuses to load them.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect, it } from 'vitest';
import { APPROVED_EXTENSIONS, DUCKDB_VERSION, extensionFile, extensionFolders } from './extensions';

const require = createRequire(import.meta.url);
const versionOf = (pkg: string) => (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
// "1.5.5-r.5" is DuckDB 1.5.5, the node package's fifth release of it.
const duckdbOf = (npmVersion: string) => npmVersion.replace(/^[~^]/, '').replace(/-r\.\d+$/, '');

it('pins @duckdb/node-api and its bindings to the DuckDB version the extensions are provisioned for', async () => {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
  expect(duckdbOf(manifest.dependencies['@duckdb/node-api']!)).toBe(DUCKDB_VERSION);
  expect(manifest.dependencies['@duckdb/node-bindings']).toBe(manifest.dependencies['@duckdb/node-api']);
  expect(duckdbOf(versionOf('@duckdb/node-api'))).toBe(DUCKDB_VERSION);
  expect(duckdbOf(versionOf('@duckdb/node-bindings'))).toBe(DUCKDB_VERSION);
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  expect((await c.runAndReadAll('SELECT version()')).getRows()[0]![0]).toBe(`v${DUCKDB_VERSION}`);
  instance.closeSync();
});

it.runIf(extensionFolders().some((f) => APPROVED_EXTENSIONS.every((name) => extensionFile(f.dir, name))))(
  'loads every provisioned extension with this DuckDB (their version and signature checked by DuckDB)',
  async () => {
    const folder = extensionFolders().find((f) => APPROVED_EXTENSIONS.every((name) => extensionFile(f.dir, name)))!;
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const c = await instance.connect();
    for (const name of APPROVED_EXTENSIONS) await c.run(`LOAD '${extensionFile(folder.dir, name)!}'`);
    const loaded = (
      await c.runAndReadAll(
        `SELECT extension_name, extension_version FROM duckdb_extensions() WHERE loaded AND extension_name IN ('spatial', 'httpfs', 'ducklake') ORDER BY 1`,
      )
    ).getRows();
    expect(loaded.map((r) => r[0])).toEqual([...APPROVED_EXTENSIONS].sort());
    expect((await c.runAndReadAll('SELECT ST_AsText(ST_Point(1, 2))')).getRows()).toEqual([['POINT (1 2)']]);
    instance.closeSync();
  },
);
