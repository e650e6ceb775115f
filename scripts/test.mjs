// `npm test`: provision → lint → typecheck → build → vitest (every project). Stops at the first failing
// phase with its exit code. Arguments go to vitest: `npm test -- tests/e2e`, `npm test -- --project unit`.
// HEXWATCH_TEST_SKIP=lint,typecheck,build skips phases for a quick loop (never in CI).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provision, ProvisionError } from './provision.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitestArgs = process.argv.slice(2);
const skip = new Set(
  (process.env.HEXWATCH_TEST_SKIP ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
if (process.env.CI && skip.size) {
  console.error('test: HEXWATCH_TEST_SKIP is ignored in CI');
  skip.clear();
}

const timings = [];
let childEnv = { ...process.env };

const phases = [
  {
    name: 'provision',
    title: 'provision (electron package, chromium, nats-server, tile38-server, weed, DuckDB extensions)',
    run: async () => {
      try {
        const { env } = await provision({ root });
        childEnv = { ...childEnv, ...env };
        return 0;
      } catch (err) {
        if (err instanceof ProvisionError) {
          console.error(err.message);
          return 1;
        }
        throw err;
      }
    },
  },
  {
    name: 'lint',
    title: 'lint (eslint . && prettier --check .)',
    run: async () => (await exec('npx', ['--no', '--', 'eslint', '.'])) || exec('npx', ['--no', '--', 'prettier', '--check', '.']),
  },
  { name: 'typecheck', title: 'typecheck (npm run typecheck)', run: () => exec('npm', ['run', '--silent', 'typecheck']) },
  { name: 'build', title: 'build (electron-vite build)', run: () => exec('npx', ['--no', '--', 'electron-vite', 'build']) },
  { name: 'vitest', title: `tests (vitest run${vitestArgs.length ? ` ${vitestArgs.join(' ')}` : ''})`, run: runVitest },
];

let exitCode = 0;
for (const [i, phase] of phases.entries()) {
  header(`[${i + 1}/${phases.length}] ${phase.title}`);
  if (skip.has(phase.name)) {
    console.log(`skipped (HEXWATCH_TEST_SKIP=${[...skip].join(',')})`);
    timings.push([phase.name, 'skipped']);
    continue;
  }
  const started = performance.now();
  const code = await phase.run();
  timings.push([phase.name, `${((performance.now() - started) / 1000).toFixed(1)} s${code ? ` (exit ${code})` : ''}`]);
  if (code !== 0) {
    exitCode = code;
    if (phase.name !== 'vitest') console.error(`\ntest: ${phase.name} failed (exit ${code}); stopping here`);
    break;
  }
}

header('timings');
for (const [name, t] of timings) console.log(`  ${name.padEnd(10)} ${t}`);
const counts = readCounts();
if (counts) {
  // One plain line a machine can read: the vitest summary above says the same.
  console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
}
process.exit(exitCode);

function header(text) {
  console.log(`\n=== ${text} ${'='.repeat(Math.max(3, 76 - text.length))}`);
}

function exec(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: childEnv, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (err) => {
      console.error(`test: cannot run ${cmd}: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)));
  });
}

function jsonReport() {
  return join(root, 'test-results', 'vitest.json');
}

async function runVitest() {
  // After `--`, every argument is vitest's (npx would take some for npm's own settings).
  const args = ['--no', '--', 'vitest', 'run', ...vitestArgs];
  // Keep vitest's own summary on screen and also write a JSON report for the closing line.
  if (!vitestArgs.some((a) => a.startsWith('--reporter'))) {
    mkdirSync(join(root, 'test-results'), { recursive: true });
    rmSync(jsonReport(), { force: true });
    args.push('--reporter=default', '--reporter=json', `--outputFile.json=${jsonReport()}`);
  }
  return exec('npx', args);
}

function readCounts() {
  if (!existsSync(jsonReport())) return undefined;
  try {
    const r = JSON.parse(readFileSync(jsonReport(), 'utf8'));
    return {
      passed: r.numPassedTests ?? 0,
      failed: r.numFailedTests ?? 0,
      skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
    };
  } catch {
    return undefined;
  }
}
