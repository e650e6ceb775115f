/** Debian's Chromium driven by playwright-core (no browser download: the package is provisioned by npm test). */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import type { TestHookName, TestHooks } from '../../shared/test-hooks';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // WebGL2 without a GPU: ANGLE on SwiftShader.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export function chromiumPath(): string {
  return process.env.HEXWATCH_CHROMIUM || '/usr/bin/chromium';
}

/** `extraArgs`: e.g. `--disable-frame-rate-limit` for a bench that counts frames (headless Chromium paces them at ~30 Hz). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`hexwatch tests need Chromium: install Debian's "chromium" package (apt-get install chromium); ${executablePath} is missing`);
  }
  return chromium.launch({ executablePath, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true, timeout: 60_000 });
}

/**
 * A page in a new context of `browser` that asks the workstation for its test hooks before it loads
 * (shared/test-hooks.ts): the bundle is the one users get; only this switch differs.
 */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
  await context.addInitScript(() => {
    (globalThis as { __hexwatchTestHooks?: boolean }).__hexwatchTestHooks = true;
  });
  return context.newPage();
}

type Hook<K extends TestHookName> = TestHooks[K] extends (...args: infer A) => infer R ? { args: A; result: Awaited<R> } : never;

/** Calls a test hook in the page; rejects when the page has not installed it (yet). */
export function hook<K extends TestHookName>(page: Page, name: K, ...args: Hook<K>['args']): Promise<Hook<K>['result']> {
  return page.evaluate(
    ([n, a]) => {
      const f = (globalThis as { __hexwatch?: Record<string, (...x: unknown[]) => unknown> }).__hexwatch?.[n];
      if (!f) throw new Error(`the page has no test hook ${n} (yet)`);
      return f(...a);
    },
    [name, args] as [string, unknown[]],
  ) as Promise<Hook<K>['result']>;
}

/** Whether the page has installed a test hook (they come as the map and its parts start). */
export function hasHook(page: Page, name: TestHookName): Promise<boolean> {
  return page.evaluate((n) => typeof (globalThis as { __hexwatch?: Record<string, unknown> }).__hexwatch?.[n] === 'function', name);
}
