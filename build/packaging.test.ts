import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';

interface BuilderConfig {
  afterPack: string;
  asarUnpack: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  fileAssociations: { ext: string }[];
  linux: { icon: string };
  mac: { icon: string; target: { target: string; arch: string }[] };
  win: { icon: string };
}

const root = resolve(import.meta.dirname, '..');
const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { author?: { name: string; email: string }; homepage?: string };
const unpacked = (path: string) => config.asarUnpack.some((pattern) => minimatch(path, pattern, { dot: true }));

/** The built workers (threads and child processes), as main/ names them to workerEntry or childEntry(url, source, built). */
function workerBundles(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/(?:workerEntry|childEntry)\([^,]+,\s*'[^']+',\s*'([^']+)'\)/g)) names.add(m[1]!);
      }
    }
  };
  walk(join(root, 'main'));
  return [...names].sort();
}

// Static imports, dynamic imports and createRequire(...)('x') of a built module.
const IMPORTS = /\bfrom\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|createRequire\([^)]*\)\(\s*["']([^"']+)["']\s*\)|^import\s*["']([^"']+)["']/gm;
const packageOf = (spec: string) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/** What a worker thread loads at run time: the built files it imports and the packages they (and theirs) need. */
function closure(entries: string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visitPackage = (name: string) => {
    const dir = join(root, 'node_modules', name);
    if (packages.has(name) || !existsSync(dir)) return; // an optional dependency of another platform
    packages.add(name);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) if (!dep.startsWith('@types/')) visitPackage(dep);
  };
  const visitFile = (path: string) => {
    if (files.has(path)) return;
    files.add(path);
    for (const m of readFileSync(join(root, path), 'utf8').matchAll(IMPORTS)) {
      const spec = m[1] ?? m[2] ?? m[3] ?? m[4]!;
      if (spec.startsWith('node:')) continue;
      if (spec.startsWith('.')) visitFile(join(dirname(path), spec));
      else visitPackage(packageOf(spec));
    }
  };
  entries.forEach(visitFile);
  return { files, packages };
}

describe('electron-builder.yml', () => {
  it('bundles the DuckDB extensions dist fetches where the engine looks first (<resources>/duckdb-extensions)', () => {
    expect(config.extraResources).toContainEqual({ from: 'build/duckdb-extensions', to: 'duckdb-extensions', filter: ['**/*.duckdb_extension'] });
    expect(readFileSync(join(root, 'main', 'notebooks', 'extensions.ts'), 'utf8')).toContain("join(resources, 'duckdb-extensions')");
    expect(readFileSync(join(root, 'scripts', 'dist.mjs'), 'utf8')).toContain("join(root, 'build', 'duckdb-extensions')");
  });

  it('unpacks every worker (thread or child process), with each built file and package it loads (an unpacked module resolves its imports beside itself)', async () => {
    const workers = workerBundles();
    expect(workers).toEqual(['ingest-worker.js', 'notebook-worker.js']);
    const viteConfig = (await import('../electron.vite.config')).default as { main: { build: { rollupOptions: { input: Record<string, string> } } } };
    const entries = Object.keys(viteConfig.main.build.rollupOptions.input).map((name) => `${name}.js`);
    for (const w of workers) expect(entries).toContain(w);

    const built = workers.map((w) => `out/main/${w}`);
    const missing = built.filter((p) => !existsSync(join(root, p)));
    if (missing.length) throw new Error(`${missing.join(', ')} not built: run npm run build (npm test builds first)`);
    const { files, packages } = closure(built);
    expect(packages).toContain('@duckdb/node-api');
    expect([...files].filter((f) => !unpacked(f))).toEqual([]);
    expect([...packages].filter((p) => !unpacked(`node_modules/${p}/package.json`))).toEqual([]);
    // Native modules anywhere, whoever loads them.
    expect(unpacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    // The renderer and the shell stay inside the archive, where the integrity check covers them.
    expect(unpacked('out/main/index.js')).toBe(false);
    expect(unpacked('out/renderer/index.html')).toBe(false);
  });

  it('names the afterPack hook that flips the fuses', () => {
    expect(existsSync(join(root, config.afterPack))).toBe(true);
  });

  it('associates notebooks (.sql), Parquet and GeoJSON files with hexwatch', () => {
    expect(config.fileAssociations.map((a) => a.ext)).toEqual(['sql', 'parquet', 'geojson']);
  });

  it('gives each platform its icon from build/icons, and macOS a universal dmg', async () => {
    const { ICON_SIZES } = (await import('../scripts/icons.mjs')) as { ICON_SIZES: number[] };
    for (const size of ICON_SIZES) expect(existsSync(join(root, config.linux.icon, `${size}x${size}.png`))).toBe(true);
    expect(config.mac.icon).toBe('build/icons/1024x1024.png');
    expect(config.win.icon).toBe('build/icons/256x256.png');
    for (const icon of [config.mac.icon, config.win.icon]) expect(existsSync(join(root, icon))).toBe(true);
    expect(config.mac.target).toEqual([{ target: 'dmg', arch: 'universal' }]);
  });

  it('has the author (with the e-mail a .deb needs as its maintainer) and homepage package.json must give', () => {
    expect(pkg.author).toEqual({ name: expect.any(String), email: expect.stringMatching(/@/) });
    expect(pkg.homepage).toMatch(/^https:\/\//);
  });
});
