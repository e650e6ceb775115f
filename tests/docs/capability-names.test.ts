// One name per capability from the contract to the screen: shared/rpc/<name>.ts ↔ main/<name>/ ↔
// renderer/src/features/<name>/, and every method and channel prefixed `<name>.`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { channels, methods } from '../../shared/rpc';
import { repoRoot as root } from '../helpers';

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** Contract files that are not capabilities. */
const NOT_CAPABILITIES = new Set(['index', 'contract']);
/** Capabilities without a screen of their own, and why. */
const NO_SCREEN: Record<string, string> = {
  // The committed positions are read through notebooks and playback; the roll is the engine's own schedule.
  history: 'read through the notebooks and playback screens',
  // The effective settings: shown by `hexwatch` and read by tests; no screen edits them yet.
  config: 'no screen edits the settings yet',
  // Each feature keeps its own choices through the workbench's persisted stores (app/preferences.ts).
  preferences: 'kept by the stores of the screens that make the choices',
  // A job is followed on the screen that started it, through the renderer's useJob (renderer/src/engine/).
  jobs: 'followed on the screen that started each job (useJob)',
};

const capabilities = readdirSync(join(root, 'shared/rpc'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -3))
  .filter((n) => !NOT_CAPABILITIES.has(n));

describe('one name per capability', () => {
  it('finds the contract files', () => {
    expect(capabilities).toEqual(expect.arrayContaining(['heatmap', 'fences', 'deliveries', 'notebooks', 'market', 'status']));
  });

  it.each(capabilities)('%s has an engine room of the same name', (name) => {
    expect(isDir(join(root, 'main', name)), `main/${name}/ is missing`).toBe(true);
    expect(existsSync(join(root, 'main', name, 'index.ts')), `main/${name}/index.ts is missing`).toBe(true);
  });

  it.each(capabilities)('%s has a screen of the same name, or says why not', (name) => {
    const folder = join(root, 'renderer/src/features', name);
    if (name in NO_SCREEN) expect(isDir(folder), `${name} has a feature folder now: take it off NO_SCREEN`).toBe(false);
    else expect(isDir(folder), `renderer/src/features/${name}/ is missing`).toBe(true);
  });

  it('prefixes every method and channel with its contract file', () => {
    const names = [...Object.keys(methods), ...Object.keys(channels)];
    const strays = names.filter((n) => !capabilities.includes(n.slice(0, n.indexOf('.'))));
    expect(strays).toEqual([]);
  });

  it('has no feature folder without a contract', () => {
    const features = readdirSync(join(root, 'renderer/src/features')).filter((f) => isDir(join(root, 'renderer/src/features', f)));
    expect(features.filter((f) => !capabilities.includes(f))).toEqual([]);
  });
});
