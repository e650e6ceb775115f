// `hexwatch sql` in the notebooks' sandbox, run as a process: the worst notebook's statements are each
// refused with their message and nothing is written, not even inside the roots (the user's home by
// default); what lies in the roots reads; --out still writes the result where it is asked.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineEnv, hexwatchBin, makeTempDir, runToExit, type TempDir } from '../helpers';
import { BASHRC, filesUnder, refusedCases, sandboxTree, type SandboxTree } from '../helpers/sandbox-cases';

let dir: TempDir;
let tree: SandboxTree;
let before: string[];

/** hexwatch sql with the tree's home as the user's home: the default roots are the data dir and home. */
function sql(query: string, ...args: string[]) {
  return runToExit(process.execPath, [hexwatchBin, 'sql', '--data-dir', join(dir.path, 'engine'), query, ...args], {
    timeoutMs: 60_000,
    env: engineEnv({ HOME: tree.home }),
  });
}

beforeAll(async () => {
  dir = await makeTempDir('hexwatch-sql-sandbox-');
  tree = await sandboxTree(dir.path);
  before = filesUnder(dir.path);
});
afterAll(() => dir?.remove());

describe('hexwatch sql', () => {
  it.each(refusedCases({ home: '', data: '', outside: '' }).map(([what], i) => [what, i] as const))('refuses %s', async (_what, i) => {
    const [, query, message] = refusedCases(tree)[i]!;
    const r = await sql(query);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(filesUnder(dir.path).filter((f) => !f.startsWith(join(dir.path, 'engine')))).toEqual(before);
    expect(readFileSync(join(tree.home, '.bashrc'), 'utf8')).toBe(BASHRC);
  });

  it('reads inside the roots and writes --out where it is asked', async () => {
    const read = await sql(`SELECT sum(km) AS km FROM read_csv('${join(tree.data, 'trips.csv')}')`, '--format', 'json');
    expect(read.stderr).toBe('');
    expect(JSON.parse(read.stdout)).toEqual([{ km: 6.5 }]);
    const out = join(dir.path, 'result.csv');
    const wrote = await sql(`SELECT id, km FROM read_csv('${join(tree.data, 'trips.csv')}') ORDER BY id`, '--format', 'csv', '--out', out);
    expect(wrote.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('id,km\n1,2.5\n2,4.0\n');
    const spatial = await sql('LOAD spatial; SELECT ST_AsText(ST_Point(1, 2)) AS p', '--format', 'json');
    expect(JSON.parse(spatial.stdout)).toEqual([{ p: 'POINT (1 2)' }]);
  });
});
