// `npm run serve`: build when needed, then run the engine headless and serve the workstation (web mode).
// `npm run simulate` and `npm run sql` pass their command through to the CLI the same way.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
buildIfStale(root);
const args = process.argv.slice(2);
const command = ['simulate', 'sql'].includes(args[0]) ? args : ['serve', ...args];
const child = spawn(process.execPath, [fileURLToPath(new URL('../bin/hexwatch.js', import.meta.url)), ...command], {
  cwd: root,
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
