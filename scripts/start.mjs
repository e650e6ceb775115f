// `npm start`: build when needed, then launch the desktop app. Where the Electron binary is not installed
// (it cannot be downloaded on every machine), say so in one line and run web mode instead.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
buildIfStale(root);

function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron'); // the package's main export is the binary's path
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
const args = process.argv.slice(2);
const [command, commandArgs] = binary
  ? [binary, ['.', ...args]]
  : [process.execPath, [fileURLToPath(new URL('../bin/hexwatch.js', import.meta.url)), 'serve', ...args]];
if (!binary) {
  console.log('hexwatch: the Electron binary is not installed here (it could not be downloaded); starting web mode instead: open the URL below in a browser');
}
const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
