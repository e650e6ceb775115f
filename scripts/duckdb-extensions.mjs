// DuckDB's signed extension builds (spatial, httpfs, ducklake: main/notebooks/duckdb-extensions.json names
// them and the DuckDB version) from their PyPI packages, which repackage DuckDB's own builds, with the
// ordinary Python package client: `pip install --target` of duckdb-extension-<name>==<version>, then the
// `.duckdb_extension` files found inside, laid out as DuckDB lays out its extension folder:
//   <into>/v<version>/<duckdb platform>/<name>.duckdb_extension
// `provisionExtensions()` fills .cache/duckdb-extensions for this machine (npm install, npm test);
// `npm run dist` fills build/duckdb-extensions for the platform it packs. Without pip it says what to do.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MANIFEST = JSON.parse(readFileSync(join(ROOT, 'main', 'notebooks', 'duckdb-extensions.json'), 'utf8'));

/** The first of pip3, pip, python3 -m pip that runs. */
function pipCommand() {
  for (const [cmd, pre] of [
    ['pip3', []],
    ['pip', []],
    ['python3', ['-m', 'pip']],
  ]) {
    const r = spawnSync(cmd, [...pre, '--version'], { encoding: 'utf8' });
    if (r.status === 0) return [cmd, pre];
  }
  return undefined;
}

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) yield* files(join(dir, e.name));
    else yield join(dir, e.name);
  }
}

/**
 * The approved extensions for `platform` (node's `process.platform-process.arch`) under `into`.
 * @returns {{ ok: true, dir: string, how: string } | { ok: false, dir: string, reason: string }}
 */
export function provisionExtensions({
  into = join(ROOT, '.cache', 'duckdb-extensions'),
  platform = `${process.platform}-${process.arch}`,
  log = () => {},
} = {}) {
  const target = MANIFEST.platforms[platform];
  const version = MANIFEST.duckdb;
  if (!target) return { ok: false, dir: into, reason: `DuckDB publishes no extension builds for ${platform}` };
  const dir = join(into, `v${version}`, target.duckdb);
  const wanted = MANIFEST.extensions.filter((name) => !existsSync(join(dir, `${name}.duckdb_extension`)));
  if (wanted.length === 0) return { ok: true, dir, how: 'cached' };
  const pip = pipCommand();
  if (!pip)
    return {
      ok: false,
      dir,
      reason: `pip is missing: install Python's pip (apt-get install python3-pip), or put ${wanted.join(', ')}.duckdb_extension ${version} for ${target.duckdb} in ${dir}`,
    };
  const scratch = mkdtempSync(join(tmpdir(), 'hexwatch-duckdb-ext-'));
  try {
    const packages = wanted.map((name) => `duckdb-extension-${name}==${version}`);
    log(`pip install --target … ${packages.join(' ')} (${target.wheel})…`);
    const [cmd, pre] = pip;
    const r = spawnSync(
      cmd,
      [
        ...pre,
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-deps',
        '--only-binary=:all:',
        '--platform',
        target.wheel,
        '--python-version',
        '3.11',
        '--target',
        scratch,
        ...packages,
      ],
      { encoding: 'utf8', timeout: 15 * 60_000 },
    );
    if (r.status !== 0)
      return { ok: false, dir, reason: `pip install ${packages.join(' ')} failed: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').at(-1)}` };
    mkdirSync(dir, { recursive: true });
    for (const file of files(scratch)) {
      const name = file.split(/[\\/]/).at(-1);
      if (!name.endsWith('.duckdb_extension') || !file.includes(`v${version}`)) continue;
      copyFileSync(file, join(dir, name));
    }
    const still = wanted.filter((name) => !existsSync(join(dir, `${name}.duckdb_extension`)));
    if (still.length) return { ok: false, dir, reason: `the wheels held no ${still.join(', ')}.duckdb_extension for v${version}` };
    return { ok: true, dir, how: `${wanted.join(', ')} from PyPI with pip` };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// `node scripts/duckdb-extensions.mjs [--into DIR] [--platform linux-x64 …]` (npm's postinstall runs it bare):
// never fails an install; says what is missing and how to get it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const into = args.includes('--into') ? args[args.indexOf('--into') + 1] : undefined;
  const platforms = args.flatMap((a, i) => (args[i - 1] === '--platform' ? [a] : []));
  let failed = false;
  for (const platform of platforms.length ? platforms : [undefined]) {
    const r = provisionExtensions({ ...(into ? { into } : {}), ...(platform ? { platform } : {}), log: (l) => console.log(`duckdb-extensions: ${l}`) });
    if (r.ok) console.log(`duckdb-extensions: ${MANIFEST.extensions.join(', ')} ${MANIFEST.duckdb} in ${r.dir} (${r.how})`);
    else {
      failed = true;
      console.log(`duckdb-extensions: not provisioned (${r.reason}); notebooks work without them and say what is missing`);
    }
  }
  // dist asks for every platform and must stop when one is missing; npm install must not.
  if (failed && into) process.exit(1);
}
