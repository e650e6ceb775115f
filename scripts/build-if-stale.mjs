// Builds (electron-vite build) when out/ is missing or older than any source file. Shared by `npm start` and `npm run serve`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['electron', 'main', 'shared', 'renderer', 'electron.vite.config.ts', 'package.json'];
const OUTPUTS = ['out/main/cli.js', 'out/main/index.js', 'out/renderer/index.html'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.endsWith('.test.ts')) continue;
    t = Math.max(t, newest(join(path, name)));
  }
  return t;
}

export function buildIfStale(root = process.cwd()) {
  const built = Math.min(...OUTPUTS.map((p) => (existsSync(join(root, p)) ? statSync(join(root, p)).mtimeMs : 0)));
  const source = Math.max(...SOURCES.map((p) => newest(join(root, p))));
  if (built > source) return;
  console.log('hexwatch: building (electron-vite build)…');
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('hexwatch: the build failed; see the errors above');
    process.exit(r.status ?? 1);
  }
}
