// Ensures what the tests need, each step idempotent and cached:
//   electron      the npm package only (types for typecheck and build; the binary cannot be downloaded here)
//   chromium      Debian's "chromium" (/usr/bin/chromium), driven by playwright-core in the e2e tests
//   nats-server   Debian's "nats-server" (JetStream with -js), for the integration tests
//   tile38-server `go install github.com/tidwall/tile38/cmd/tile38-server@<TILE38_TAG>` into .cache/bin
//
// Importable (`await provision()` returns the env the test processes need) and runnable
// (`node scripts/provision.mjs` prints the summary). Where a required piece cannot be had, it stops
// with ONE line saying what to install. Tile38 is optional for now: when it cannot be built, the tests
// that need it are skipped and the summary says why.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Newest Tile38 release (its tags carry no "v"); bump it here and the cached binary is rebuilt. */
export const TILE38_TAG = 'v1.37.0';
const TILE38_MODULE = 'github.com/tidwall/tile38/cmd/tile38-server';
/** nats-server gained JetStream (-js) in 2.2.0. */
const NATS_MIN_JETSTREAM = [2, 2, 0];
/** How long a failed Tile38 build is remembered before provisioning tries again. */
const RETRY_FAILED_MS = 6 * 3600_000;

export class ProvisionError extends Error {
  name = 'ProvisionError';
}

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

  // (c) nats-server with JetStream
  {
    const wanted = 'hexwatch tests need nats-server 2.2 or newer (JetStream): install Debian\'s "nats-server" package (apt-get install nats-server)';
    let path = fromEnv('HEXWATCH_NATS_SERVER') ?? which('nats-server') ?? firstExisting(['/usr/bin/nats-server', '/usr/sbin/nats-server']);
    if (!path) {
      apt.install('nats-server', wanted);
      path = which('nats-server') ?? firstExisting(['/usr/bin/nats-server', '/usr/sbin/nats-server']);
    }
    if (!path) throw new ProvisionError(wanted);
    const out = run(path, ['--version'], { timeout: 30_000 });
    const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(`${out.stdout}${out.stderr}`);
    if (out.status !== 0 || !m) throw new ProvisionError(`${wanted} — ${path} --version failed: ${firstLine(out.stderr || out.stdout)}`);
    const version = m.slice(1, 4).map(Number);
    if (compare(version, NATS_MIN_JETSTREAM) < 0) throw new ProvisionError(`${wanted} — ${path} is ${m[0]}`);
    env.HEXWATCH_NATS_SERVER = path;
    note(`nats-server ${path} (${m[0]}, JetStream)`);
  }

  // (d) tile38-server (optional for now)
  {
    const cached = join(cacheDir, 'bin', 'tile38-server');
    let path = fromEnv('HEXWATCH_TILE38_SERVER');
    let how = 'from HEXWATCH_TILE38_SERVER';
    if (!path && existsSync(cached) && state.tile38?.tag === TILE38_TAG && state.tile38.ok) {
      path = cached;
      how = `${TILE38_TAG}, cached`;
    }
    if (!path && which('tile38-server')) {
      path = which('tile38-server');
      how = 'on PATH';
    }
    let problem;
    if (!path) {
      const failed = state.tile38 && !state.tile38.ok && state.tile38.tag === TILE38_TAG ? state.tile38 : undefined;
      if (failed && Date.now() - failed.at < RETRY_FAILED_MS && !process.env.HEXWATCH_PROVISION_RETRY) {
        problem = `${failed.reason}, at ${new Date(failed.at).toISOString()}; HEXWATCH_PROVISION_RETRY=1 tries again`;
      } else {
        const built = buildTile38(cacheDir, log);
        state.tile38 = { tag: TILE38_TAG, ok: built.ok, at: Date.now(), reason: built.reason };
        writeState(cacheDir, state);
        if (built.ok) {
          path = cached;
          how = `${TILE38_TAG}, built now`;
        } else problem = built.reason;
      }
    }
    if (path) {
      env.HEXWATCH_TILE38_SERVER = path;
      note(`tile38-server ${path} (${how})`);
    } else {
      note(`tile38-server MISSING (${problem}); the tests that need it are skipped; put tile38-server on PATH or set HEXWATCH_TILE38_SERVER`);
    }
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

/** apt-get as root: one `apt-get update` per run, then `apt-get install` of what is missing. */
function aptInstaller(cacheDir, log) {
  let updated = false;
  const logFile = join(cacheDir, 'provision-apt.log');
  return {
    install(pkg, wanted) {
      const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
      if (!isRoot || !which('apt-get')) throw new ProvisionError(wanted);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const step = (args) => {
        const r = run('apt-get', args, { env, timeout: 15 * 60_000 });
        writeFileSync(logFile, `$ apt-get ${args.join(' ')}\n${r.stdout}${r.stderr}\n`, { flag: 'a' });
        return r;
      };
      if (!updated) {
        log('provision: apt-get update…');
        const r = step(['update']);
        if (r.status !== 0) throw new ProvisionError(`${wanted} — apt-get update failed: ${lastLine(r.stderr)}`);
        updated = true;
      }
      const policy = run('apt-cache', ['policy', pkg], { env });
      if (/Candidate:\s*\(none\)/.test(policy.stdout) || !/Candidate:/.test(policy.stdout)) {
        throw new ProvisionError(`${wanted} — apt has no "${pkg}" package here`);
      }
      log(`provision: apt-get install ${pkg} (${firstLine(/Candidate:\s*(\S+)/.exec(policy.stdout)?.[1] ?? '')})… log in ${logFile}`);
      const r = step(['install', '-y', '--no-install-recommends', pkg]);
      if (r.status !== 0) throw new ProvisionError(`${wanted} — apt-get install failed: ${lastLine(r.stderr)}`);
    },
  };
}

function buildTile38(cacheDir, log) {
  if (!which('go')) {
    return { ok: false, reason: 'hexwatch tests need tile38-server: install Go (to build it) or put tile38-server on PATH' };
  }
  log(`provision: go install ${TILE38_MODULE}@${TILE38_TAG} (takes a few minutes, cached in .cache/bin)…`);
  const r = run('go', ['install', `${TILE38_MODULE}@${TILE38_TAG}`], {
    env: { ...process.env, GOBIN: join(cacheDir, 'bin'), GOFLAGS: '-mod=mod' },
    timeout: 20 * 60_000,
  });
  const binary = join(cacheDir, 'bin', 'tile38-server');
  if (r.status === 0 && existsSync(binary)) return { ok: true };
  const why = (r.stderr || r.stdout || r.error?.message || '').trim().split('\n').filter(Boolean);
  const line = why.find((l) => /forbidden|not available|not found|unknown revision|invalid version/i.test(l)) ?? why.at(-1) ?? 'unknown error';
  const status = /reading \S+: (\d{3}\b.*)$/.exec(line);
  const reason = status ? `the Go module proxy answered ${status[1]}` : line.replace(/^go: /, '').slice(0, 200);
  return { ok: false, reason: `go install ${TILE38_MODULE}@${TILE38_TAG} failed: ${reason}` };
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

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...options });
  return { status: r.status ?? (r.error ? 127 : 1), stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
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

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

const firstLine = (s) => String(s).trim().split('\n')[0] ?? '';
const lastLine = (s) => String(s).trim().split('\n').at(-1) ?? '';

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
