// `npm run dist`: the desktop packages for this platform — AppImage and deb on Linux, a universal dmg on
// macOS, an NSIS installer on Windows — in dist/. Steps: build, icons (when the SVG changed), native modules
// rebuilt for Electron's ABI, electron-builder with electron-builder.yml. Signing and notarisation follow the
// usual variables (build/signing.mjs) and are skipped, saying so, when they are absent. Arguments go to
// electron-builder: `npm run dist -- --dir` packs the app folder only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { signingPlan } from '../build/signing.mjs';
import { provisionExtensions } from './duckdb-extensions.mjs';
import { iconsFresh, renderIcons } from './icons.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const PLATFORM_FLAG = { darwin: '--mac', win32: '--win', linux: '--linux' };

function step(title) {
  console.log(`\n=== dist: ${title}`);
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error(`dist: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

/** The Electron runtime npm installed, if its binary could be downloaded. */
function electronRuntime() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const flag = PLATFORM_FLAG[process.platform];
if (!flag) {
  console.error(`dist: no package is made on ${process.platform}`);
  process.exit(1);
}

step('build (electron-vite build)');
run('npx', ['--no', '--', 'electron-vite', 'build']);

step('DuckDB extensions (pip → build/duckdb-extensions, bundled as resources)');
{
  // A universal dmg carries both Mac architectures' builds; DuckDB loads the one of its own platform.
  const arches = process.platform === 'darwin' ? ['arm64', 'x64'] : [process.arch];
  for (const arch of arches) {
    const r = provisionExtensions({
      into: join(root, 'build', 'duckdb-extensions'),
      platform: `${process.platform}-${arch}`,
      log: (l) => console.log(`dist: ${l}`),
    });
    if (!r.ok) {
      console.error(`dist: the DuckDB extensions for ${process.platform}-${arch} are missing (${r.reason}); the package would lack spatial SQL`);
      process.exit(1);
    }
    console.log(`dist: DuckDB extensions in ${r.dir} (${r.how})`);
  }
}

step('icons (build/icon.svg → build/icons)');
if (iconsFresh()) console.log('icons: up to date');
else await renderIcons();

step('native modules for Electron (electron-builder install-app-deps)');
const runtime = electronRuntime();
let rebuilt = false;
if (runtime) {
  run('npx', ['--no', '--', 'electron-builder', 'install-app-deps']);
  rebuilt = true;
} else {
  console.log(
    'dist: skipped — the Electron runtime is not installed here (its binary could not be downloaded), so better-sqlite3 stays built for Node: ' +
      'the package would not start. Install it (npm install electron, with network access to its release) and run npm run dist again.',
  );
}

step(`electron-builder ${flag}`);
const plan = signingPlan(process.platform, process.env);
for (const note of plan.notes) console.log(`dist: ${note}`);
try {
  run('npx', ['--no', '--', 'electron-builder', flag, '--publish', 'never', ...plan.args, ...process.argv.slice(2)], plan.env);
} finally {
  // The tests and `npm run serve` load better-sqlite3 under Node: give it back Node's build.
  if (rebuilt) {
    step('native modules back for Node (npm rebuild better-sqlite3)');
    run('npm', ['rebuild', 'better-sqlite3']);
  }
}
console.log('\ndist: the packages are in dist/');
