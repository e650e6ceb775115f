import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

// electron-vite asks the electron package for its major version (ESM support); npm may leave the optional
// package out where its binary cannot be had, so the version comes from package.json instead.
const electronRange = (JSON.parse(readFileSync('package.json', 'utf8')) as { optionalDependencies: Record<string, string> }).optionalDependencies.electron;
process.env.ELECTRON_MAJOR_VER ??= /\d+/.exec(electronRange)?.[0];

// Targets are explicit so the build never needs the Electron binary (it cannot be downloaded everywhere).
export default defineConfig({
  main: {
    build: {
      target: 'node20',
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('electron/main.ts'),
          cli: resolve('main/cli.ts'),
          // Loaded by path (a worker thread, the notebooks' child process: main/worker-entry.ts), so each is its own entry.
          'ingest-worker': resolve('main/ingest/nats-worker.ts'),
          'notebook-worker': resolve('main/notebooks/notebook-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      target: 'node20',
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('electron/preload.ts') },
        // A sandboxed preload cannot be an ES module.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    base: './',
    build: {
      target: 'chrome120',
      outDir: 'out/renderer',
      chunkSizeWarningLimit: 4096,
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
