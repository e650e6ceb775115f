import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where a worker thread's module is. Built, it sits beside the bundle (`out/main/<built>`, its own
 * entry in electron.vite.config.ts). From source (tests, tsx) a tiny module registers tsx in the worker
 * first: Node 20 does not apply `--import tsx` to a worker's entry.
 */
export function workerEntry(callerUrl: string, source: string, built: string): URL {
  if (callerUrl.endsWith('.ts')) {
    const tsxDir = dirname(createRequire(callerUrl).resolve('tsx/package.json'));
    const tsx = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href; // its ESM entry (require.resolve picks CJS)
    const entry = new URL(source, callerUrl).href;
    const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
    return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
  }
  for (const rel of [`./${built}`, `../${built}`]) {
    const url = new URL(rel, callerUrl);
    // In a packaged app the worker is unpacked beside the asar archive (electron-builder.yml).
    const unpacked = new URL(url.href.replace('/app.asar/', '/app.asar.unpacked/'));
    if (existsSync(unpacked)) return unpacked;
    if (existsSync(url)) return url;
  }
  throw new Error(`${built} is missing beside the build; run npm run build`);
}
