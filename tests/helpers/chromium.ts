/** Debian's Chromium driven by playwright-core (no browser download: the package is provisioned by npm test). */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
