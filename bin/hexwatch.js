#!/usr/bin/env node
// The `hexwatch` command: runs the built CLI (out/main/cli.js). `npm run serve` builds it when needed.
import { existsSync } from 'node:fs';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('hexwatch: not built yet; run `npm run build` (or `npm run serve`, which builds when needed)');
  process.exit(1);
}
await import(cli.href);
