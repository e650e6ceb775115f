// Provisioning DuckDB's extensions as npm install and npm test do: pip fetches DuckDB's signed builds of
// spatial, httpfs and ducklake from PyPI into a fresh folder in DuckDB's layout, and DuckDB loads them.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { APPROVED_EXTENSIONS, DUCKDB_VERSION, duckdbPlatform } from '../../main/notebooks/extensions';
import { provisionExtensions } from '../../scripts/duckdb-extensions.mjs';
import { makeTempDir, type TempDir } from '../helpers';

const pip = ['pip3', 'pip'].some((cmd) => spawnSync(cmd, ['--version']).status === 0);
let dir: TempDir;
beforeAll(async () => {
  dir = await makeTempDir('hexwatch-duckdb-ext-');
});
afterAll(() => dir?.remove());

it.skipIf(!pip)('fetches the approved extensions with pip (skipped where pip is missing: apt-get install python3-pip), and DuckDB loads them', async () => {
  const r = provisionExtensions({ into: dir.path }) as { ok: boolean; dir: string; reason?: string };
  expect(r).toMatchObject({ ok: true, dir: join(dir.path, `v${DUCKDB_VERSION}`, duckdbPlatform()!) });
  // A second run finds them there.
  expect(provisionExtensions({ into: dir.path })).toMatchObject({ ok: true, how: 'cached' });
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const c = await instance.connect();
  for (const name of APPROVED_EXTENSIONS) await c.run(`LOAD '${join(r.dir, `${name}.duckdb_extension`)}'`);
  expect((await c.runAndReadAll('SELECT ST_AsText(ST_Point(1, 2))')).getRows()).toEqual([['POINT (1 2)']]);
  instance.closeSync();
});
