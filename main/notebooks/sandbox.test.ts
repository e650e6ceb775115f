// The notebook sandbox through the notebook service (its worker thread and real DuckDB): the worst notebook
// someone could send is refused statement by statement, before anything runs and with a line saying why;
// nothing is written anywhere, not even inside the roots; what lies inside the roots still reads; Export
// still writes; the approved extensions load when provisioned.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../tests/helpers/history-fixtures';
import { BASHRC, filesUnder, refusedCases, sandboxTree, type SandboxTree } from '../../tests/helpers/sandbox-cases';
import { extensionFile, extensionFolders } from './extensions';
import { NotebookService } from './notebook-service';
import type { NotebookQueryError } from './notebook-process';

let dir: string;
let cleanup: () => Promise<void>;
let tree: SandboxTree;
let notebooks: NotebookService;
let before: string[];

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const s = await notebooks.run('q', sql);
  return tableFromIPC(await notebooks.page('q', 0, s.rows || 1))
    .toArray()
    .map((r: { toJSON(): Record<string, unknown> }) => r.toJSON());
}

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  tree = await sandboxTree(dir);
  before = filesUnder(dir);
  notebooks = await NotebookService.start(
    join(dir, 'engine'),
    { threads: 1, memoryLimitMb: 256, maxRows: 1000, snapshotMaxAgeMs: 0, roots: [tree.home] },
    () => ({ dataDir: join(dir, 'engine') }),
  );
}, 60_000);
afterAll(async () => {
  await notebooks?.close();
  await cleanup();
});

describe('the notebook sandbox', () => {
  it.each(refusedCases({ home: '', data: '', outside: '' }).map(([what], i) => [what, i] as const))('refuses %s', async (_what, i) => {
    const [, sql, message] = refusedCases(tree)[i]!;
    const err = (await notebooks.run(`refused-${i}`, sql).catch((e: unknown) => e)) as NotebookQueryError;
    expect(err.failure?.message ?? String(err)).toMatch(message);
    // Nothing was written, anywhere in the tree, and the .bashrc is as it was.
    expect(filesUnder(dir).filter((f) => !f.startsWith(join(dir, 'engine')))).toEqual(before);
    expect(readFileSync(join(tree.home, '.bashrc'), 'utf8')).toBe(BASHRC);
  });

  it('refuses a named cell or an export whose last statement is not a query', async () => {
    const named = (await notebooks.run('n', `COPY (SELECT 1) TO '${join(tree.data, 'n.csv')}'`, 'named').catch((e: unknown) => e)) as NotebookQueryError;
    expect(named.failure.message).toMatch(/COPY writes files/);
    // A trailing comment cannot swallow the COPY the export wraps the query in.
    const sneaky = `SELECT 1) TO '${join(tree.data, 'sneaky.csv')}' (FORMAT csv) --`;
    await expect(notebooks.export(sneaky, 'csv')).rejects.toThrow(/syntax error|Parser Error/);
    expect(existsSync(join(tree.data, 'sneaky.csv'))).toBe(false);
  });

  it('reads inside the roots: a CSV, the .bashrc of the home root, a database attached read-only', async () => {
    expect(await rows(`SELECT sum(km) AS km FROM read_csv('${join(tree.data, 'trips.csv')}')`)).toEqual([{ km: 6.5 }]);
    expect((await rows(`SELECT content FROM read_text('${join(tree.home, '.bashrc')}')`))[0]!.content).toBe(BASHRC);
    await notebooks.run('attach', `ATTACH '${join(tree.data, 'fleet.duckdb')}' AS fleet (READ_ONLY)`);
    expect(await rows('SELECT id, km FROM fleet.trips')).toEqual([{ id: 1, km: 2.5 }]);
    const write = (await notebooks.run('w', 'INSERT INTO fleet.trips VALUES (2, 1)').catch((e: unknown) => e)) as NotebookQueryError;
    expect(write.failure.message).toMatch(/read-only/);
    // SET VARIABLE is the session's own, not a setting.
    expect(await rows("SET VARIABLE k = 2; SELECT getvariable('k') AS k")).toEqual([{ k: 2 }]);
  });

  it('says how to open what it refused to read: the folder to add to notebooks.roots, the bucket to notebooks.buckets', async () => {
    const folder = (await notebooks.run('o', `SELECT * FROM read_text('${join(tree.outside, 'secret.txt')}')`).catch((e: unknown) => e)) as NotebookQueryError;
    expect(folder.failure.message).toMatch(
      /^Permission Error: .*\n.*secret\.txt is outside the folders notebooks may read: add its folder to notebooks\.roots/,
    );
    expect(folder.failure.at).toEqual({ line: 1, column: expect.any(Number) });
    const bucket = (await notebooks.run('b', `SELECT * FROM read_parquet('s3://fleet/trips/x.parquet')`).catch((e: unknown) => e)) as NotebookQueryError;
    expect(bucket.failure.message).toContain('add its prefix (e.g. s3://fleet/) to notebooks.buckets');
  });

  it('still exports through the app’s own Export, and the engine’s views still read', async () => {
    const out = await notebooks.export(`SELECT id, km FROM read_csv('${join(tree.data, 'trips.csv')}') ORDER BY id`, 'csv');
    expect(out.rows).toBe(2);
    expect(out.bytes.toString('utf8')).toBe('id,km\n1,2.5\n2,4.0\n');
    expect(await rows('SELECT count(*)::INTEGER AS n FROM positions')).toEqual([{ n: 0 }]);
  });

  it.runIf(extensionFolders().some((f) => extensionFile(f.dir, 'spatial')))(
    'loads the provisioned spatial extension: LOAD and INSTALL are no-ops, its functions work',
    async () => {
      expect(notebooks.extensions().find((e) => e.name === 'spatial')).toMatchObject({ loaded: true });
      await notebooks.run('load', 'INSTALL spatial; LOAD spatial');
      expect(await rows('SELECT ST_AsText(ST_Point(1, 2)) AS p')).toEqual([{ p: 'POINT (1 2)' }]);
    },
  );
});
