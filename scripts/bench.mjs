// `npm run bench -- <scenario>`: builds when needed, then runs bench/<scenario>.ts, which writes bench/results/<scenario>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.mjs';
import { provision, ProvisionError } from './provision.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const scenarios = readdirSync(new URL('../bench', import.meta.url))
  .filter((f) => f.endsWith('.ts') && !f.includes('.test.'))
  .map((f) => f.slice(0, -3));
const [scenario, ...rest] = process.argv.slice(2);
if (!scenario || !scenarios.includes(scenario)) {
  console.error(`usage: npm run bench -- <scenario>   (scenarios: ${scenarios.join(', ')})`);
  process.exit(2);
}
// The servers the tests run against (a current nats-server: partitions need 2.11), as npm test provisions them.
let env;
try {
  env = { ...process.env, ...(await provision({ root })).env };
} catch (err) {
  if (!(err instanceof ProvisionError)) throw err;
  console.error(err.message);
  process.exit(1);
}
buildIfStale(root);
const tsx = new URL('../node_modules/.bin/tsx', import.meta.url);
if (!existsSync(tsx)) {
  console.error('hexwatch bench: tsx is missing; run npm install');
  process.exit(1);
}
const r = spawnSync(fileURLToPath(tsx), [`bench/${scenario}.ts`, ...rest], { cwd: root, stdio: 'inherit', env });
process.exit(r.status ?? 1);
