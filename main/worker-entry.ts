import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The tsx registration module (its ESM entry: require.resolve picks CJS) beside the caller. */
function tsxEntry(callerUrl: string, file: string): string {
  return pathToFileURL(join(dirname(createRequire(callerUrl).resolve('tsx/package.json')), file)).href;
}

/** The built module beside the bundle (`out/main/<built>`); in a packaged app it is unpacked beside the asar archive (electron-builder.yml). */
function builtEntry(callerUrl: string, built: string): URL {
  for (const rel of [`./${built}`, `../${built}`]) {
    const url = new URL(rel, callerUrl);
    const unpacked = new URL(url.href.replace('/app.asar/', '/app.asar.unpacked/'));
    if (existsSync(unpacked)) return unpacked;
    if (existsSync(url)) return url;
  }
  throw new Error(`${built} is missing beside the build; run npm run build`);
}

/**
 * Where a worker thread's module is. Built, it sits beside the bundle (its own entry in
 * electron.vite.config.ts). From source (tests, tsx) a tiny module registers tsx in the worker first:
 * Node 20 does not apply `--import tsx` to a worker's entry.
 */
export function workerEntry(callerUrl: string, source: string, built: string): URL {
  if (!callerUrl.endsWith('.ts')) return builtEntry(callerUrl, built);
  const tsx = tsxEntry(callerUrl, 'dist/esm/api/index.mjs');
  const entry = new URL(source, callerUrl).href;
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

/** How to start a module as a child process of its own (child-link.ts): the built file, or from source the .ts file with tsx's loader. */
export function childEntry(callerUrl: string, source: string, built: string): { path: string; execArgv: string[] } {
  if (callerUrl.endsWith('.ts')) return { path: fileURLToPath(new URL(source, callerUrl)), execArgv: ['--import', tsxEntry(callerUrl, 'dist/loader.mjs')] };
  return { path: fileURLToPath(builtEntry(callerUrl, built)), execArgv: [] };
}
