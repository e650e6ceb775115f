// `npm run bench -- <scenario>`: builds when needed, then runs bench/<scenario>.ts, which writes bench/results/<scenario>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const scenarios = readdirSync(new URL('../bench', import.meta.url))
  .filter((f) => f.endsWith('.ts') && !f.includes('.test.'))
  .map((f) => f.slice(0, -3));
const [scenario, ...rest] = process.argv.slice(2);
if (!scenario || !scenarios.includes(scenario)) {
  console.error(`usage: npm run bench -- <scenario>   (scenarios: ${scenarios.join(', ')})`);
  process.exit(2);
}
buildIfStale(root);
const tsx = new URL('../node_modules/.bin/tsx', import.meta.url);
if (!existsSync(tsx)) {
  console.error('hexwatch bench: tsx is missing; run npm install');
  process.exit(1);
}
const r = spawnSync(fileURLToPath(tsx), [`bench/${scenario}.ts`, ...rest], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
